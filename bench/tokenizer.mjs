#!/usr/bin/env node
// Tokenizer benchmark: encode/decode throughput on Moby-Dick for our byte-level BPE with GPT-2's vocabulary
// versus gpt-tokenizer (r50k_base), and BPE training time for a 4096-token vocabulary on 1 MB.
// Build first: npx tsc -p tsconfig.json     Run: node bench/tokenizer.mjs [--json FILE] [--reps N] [--quick]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ByteLevelBPETokenizer, trainByteLevelBPE } from '../dist/tokenizer/index.js';
import { loadMobyDick } from '../dist/data/node-shards.js';
import * as reference from 'gpt-tokenizer/encoding/r50k_base';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const jsonPath = flag('--json');
const quick = args.includes('--quick');
const reps = Math.max(5, Number(flag('--reps') ?? (quick ? 5 : 7)));
const coldReps = quick ? 1 : 3;
const trainReps = quick ? 1 : 3;

const require = createRequire(import.meta.url);
const ranksPath = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data', 'r50k_base.tiktoken');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const time = (fn) => {
  const t = performance.now();
  const result = fn();
  return [performance.now() - t, result];
};

const text = await loadMobyDick();
const megabytes = Buffer.byteLength(text, 'utf8') / 1e6;

let [loadMs, ours] = time(() =>
  ByteLevelBPETokenizer.fromTiktoken(readFileSync(ranksPath, 'utf8'), { specialTokens: { '<|endoftext|>': 50256 } }),
);
const vocabJson = ours.toVocabJson();
const mergesTxt = ours.toMergesTxt();
const [vmLoadMs] = time(() => ByteLevelBPETokenizer.fromVocabMerges(vocabJson, mergesTxt));

const refEncode = (s) => reference.encode(s, { disallowedSpecial: new Set() });
const ourEncode = (s) => ours.encode(s, { allowedSpecial: 'none' });

// Correctness gate: no point timing different answers.
const ids = ourEncode(text);
const refIds = refEncode(text);
if (ids.length !== refIds.length || ids.some((id, i) => id !== refIds[i])) {
  console.error('MISMATCH: our GPT-2 ids differ from gpt-tokenizer on Moby-Dick');
  process.exit(1);
}

/** Cold: a fresh tokenizer / empty merge cache, one pass. Warm: repeated passes with the caches filled. */
function measure(name, encodeWarm, makeCold) {
  const cold = [];
  for (let i = 0; i < coldReps; i++) {
    const encode = makeCold();
    cold.push(time(() => encode(text))[0]);
  }
  encodeWarm(text); // warm-up
  const warm = [];
  for (let i = 0; i < reps; i++) warm.push(time(() => encodeWarm(text))[0]);
  return { name, coldMBs: megabytes / (median(cold) / 1000), warmMBs: megabytes / (median(warm) / 1000) };
}

const rows = [
  measure('wasm-gpt ByteLevelBPE (GPT-2 vocab)', ourEncode, () => {
    const fresh = ByteLevelBPETokenizer.fromVocabMerges(vocabJson, mergesTxt);
    return (s) => fresh.encode(s, { allowedSpecial: 'none' });
  }),
  measure('gpt-tokenizer r50k_base', refEncode, () => {
    reference.clearMergeCache();
    return refEncode;
  }),
];

const decodeRows = [
  ['wasm-gpt ByteLevelBPE (GPT-2 vocab)', () => ours.decode(ids)],
  ['gpt-tokenizer r50k_base', () => reference.decode(refIds)],
].map(([name, fn]) => {
  fn();
  const t = [];
  for (let i = 0; i < reps; i++) t.push(time(fn)[0]);
  return { name, MBs: megabytes / (median(t) / 1000) };
});

const trainText = text.slice(0, 1_000_000);
const trainMB = Buffer.byteLength(trainText, 'utf8') / 1e6;
const trainTimes = [];
let trained;
for (let i = 0; i < trainReps; i++) {
  const [ms, tok] = time(() => trainByteLevelBPE(trainText, { vocabSize: 4096 }));
  trainTimes.push(ms);
  trained = tok;
}
const trainSeconds = median(trainTimes) / 1000;

const fmt = (x, d = 1) => x.toFixed(d).padStart(8);
console.log(`Moby-Dick: ${megabytes.toFixed(2)} MB UTF-8, ${ids.length} GPT-2 tokens (ids identical to gpt-tokenizer)`);
console.log(`GPT-2 vocabulary load: ${loadMs.toFixed(0)} ms from r50k ranks (deriving merges), ${vmLoadMs.toFixed(0)} ms from vocab.json + merges.txt`);
console.log(`Node ${process.version}, 1 thread, medians of ${reps} warm runs (after a warm-up) and ${coldReps} cold run(s)\n`);
console.log('encode                                  cold MB/s   warm MB/s');
for (const r of rows) console.log(`${r.name.padEnd(38)}${fmt(r.coldMBs)}    ${fmt(r.warmMBs)}`);
console.log(`${'ratio (ours / gpt-tokenizer)'.padEnd(38)}${fmt(rows[0].coldMBs / rows[1].coldMBs, 2)}x   ${fmt(rows[0].warmMBs / rows[1].warmMBs, 2)}x`);
console.log('\ndecode                                       MB/s');
for (const r of decodeRows) console.log(`${r.name.padEnd(38)}${fmt(r.MBs)}`);
console.log(`${'ratio (ours / gpt-tokenizer)'.padEnd(38)}${fmt(decodeRows[0].MBs / decodeRows[1].MBs, 2)}x`);
console.log(
  `\nBPE training: vocab 4096 on ${trainMB.toFixed(2)} MB of Moby-Dick: ${trainSeconds.toFixed(2)} s (median of ${trainReps}), ` +
    `${trained.encode(text.slice(1_000_000)).length} tokens for the remaining ${text.length - 1_000_000} chars`,
);

if (jsonPath) {
  const entry = (impl, shape, metric, value) => ({ bench: 'tokenizer', impl, threads: 1, shape, metric, value: Number(value.toFixed(3)) });
  const results = [
    entry('wasm-gpt-bpe', 'moby-dick', 'MB/s', rows[0].warmMBs),
    entry('gpt-tokenizer', 'moby-dick', 'MB/s', rows[1].warmMBs),
    entry('wasm-gpt-bpe', 'moby-dick-cold', 'MB/s', rows[0].coldMBs),
    entry('gpt-tokenizer', 'moby-dick-cold', 'MB/s', rows[1].coldMBs),
    entry('wasm-gpt-bpe', 'moby-dick-decode', 'MB/s', decodeRows[0].MBs),
    entry('gpt-tokenizer', 'moby-dick-decode', 'MB/s', decodeRows[1].MBs),
    entry('wasm-gpt-train-bpe', 'moby-dick-1MB-vocab4096', 's', trainSeconds),
  ];
  writeFileSync(jsonPath, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${jsonPath}`);
}
