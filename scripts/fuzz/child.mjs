// One fuzz variant in its own process (see scripts/fuzz.mjs): loads the files in DIR with LOADER's loader and
// uses what it got, or runs bad-argument case INDEX; prints one JSON line with the outcome and exits 0. A hang
// is the parent's watchdog, a crash is any exit without that line.
//
//   node scripts/fuzz/child.mjs <loader> <dir>       node scripts/fuzz/child.mjs args <index>
import { join } from 'node:path';

// Static imports, so scripts/fuzz.mjs can bundle this file (one file parses several times faster than the
// library's module graph, and there are thousands of these processes).
import * as lib from '../../dist/index.js';
import { loadCheckpoint, loadCheckpointDir } from '../../dist/checkpoint/node.js';
import { decodeExtras } from '../../dist/checkpoint/hf-files.js';
import { loadTokenizerFile, loadVocabMergesFiles, loadTiktokenFile } from '../../dist/tokenizer/node-io.js';
import { readShardFile } from '../../dist/data/node-shards.js';
import { CASES } from './arguments.mjs';

import { SEED_TRAINER, SEED_TRAIN_DATA } from './seeds.mjs';
const SAMPLE = 'Hello world, fuzz! 123 <|endoftext|> ünïcödé';

async function useCheckpoint(dir) {
  // The CLI's loadCheckpointDir decodes a file we wrote in place, the model loader copies into wasm memory:
  // both must accept and refuse the same files, and agree bit for bit on what they accept. loadCheckpoint also
  // reads the tokenizer and generation config, so the direct path does too.
  let direct, directError;
  try {
    direct = await loadCheckpointDir(dir);
    decodeExtras((name) => direct.files.get(name), direct.dims, direct.source);
  } catch (e) {
    directError = e;
  }
  let loaded;
  try {
    loaded = await loadCheckpoint(dir, { threads: 1 });
  } catch (e) {
    if (directError === undefined) throw new Error(`loadCheckpointDir accepted what loadCheckpoint refused (${e.message})`);
    throw e;
  }
  if (directError !== undefined) throw new Error(`loadCheckpointDir refused what loadCheckpoint accepted (${directError.message})`);
  const { model, state } = loaded;
  const a = new Uint32Array(direct.params.buffer, direct.params.byteOffset, direct.params.length);
  const p = model.getParameters();
  const b = new Uint32Array(p.buffer, p.byteOffset, p.length);
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error('loadCheckpointDir and loadCheckpoint disagree on the parameters');
  const V = model.config.vocabSize;
  const T = Math.min(4, model.config.blockSize);
  const tokens = Array.from({ length: T }, (_, i) => i % V);
  const logits = model.forward(tokens, 1, T);
  if (logits.length !== T * V) throw new Error(`forward gave ${logits.length} logits`);
  if (state !== undefined) {
    const trainData = SEED_TRAIN_DATA(V);
    const trainer = new lib.Trainer(model, { trainData, ...SEED_TRAINER, blockSize: Math.min(SEED_TRAINER.blockSize, model.config.blockSize) });
    trainer.setState(state);
    try {
      trainer.step();
    } catch (e) {
      // Finite weights a damaged file made huge (1e37) load, as they must without a checksum index, and the
      // first step diverges: the Trainer's documented NonFiniteError, not a loader failure.
      if (!(e instanceof lib.NonFiniteError)) throw e;
      return 'diverged';
    }
  }
}

async function useTokenizer(tok) {
  const ids = tok.encode(SAMPLE, { allowedSpecial: 'all' });
  tok.decode(ids);
}

const LOADERS = {
  checkpoint: useCheckpoint,
  'model.safetensors': useCheckpoint,
  'tokenizer.json': async (dir) => useTokenizer(await loadTokenizerFile(join(dir, 'tokenizer.json'))),
  'vocab.json+merges.txt': async (dir) => useTokenizer(await loadVocabMergesFiles(join(dir, 'vocab.json'), join(dir, 'merges.txt'))),
  tiktoken: async (dir) => useTokenizer(await loadTiktokenFile(join(dir, 'ranks.tiktoken'))),
  shard: async (dir) => {
    const { header, tokens } = await readShardFile(join(dir, 'train.bin'));
    if (tokens.length > 8) new lib.BatchLoader(tokens, { batchSize: 2, blockSize: Math.min(8, tokens.length - 1) }).next();
    return header;
  },
};

function describe(e) {
  return {
    name: e?.name ?? typeof e,
    wasmGpt: e instanceof lib.WasmGptError,
    message: String(e?.message ?? e).slice(0, 600),
    file: e?.file,
    key: e?.key,
  };
}

const [mode, arg] = process.argv.slice(2);
let result;
const started = performance.now();
try {
  if (mode === 'args') {
    const c = CASES[Number(arg)];
    await c.run(lib);
  } else {
    await LOADERS[mode](arg);
  }
  result = { outcome: 'accepted' };
} catch (e) {
  result = { outcome: 'rejected', ...describe(e) };
}
result.ms = Math.round(performance.now() - started);
result.maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`\nFUZZ-RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
