// Generation at batch 1: prefill and decode tokens/s with the KV cache, against decoding without it, for a
// small config and a GPT-2-124M-shaped model (random weights), on wasm 1 thread, wasm all threads and pure TS.
//
// - prefill: one forward over a 512-token prompt (logits for the last position only) → 512 / time.
// - decode (KV cache): one incremental forward per token at 512–528 tokens of context.
// - no cache: what generation costs without a cache: the whole 512-token context re-run for every new token
//   (nanoGPT's generate, also computing logits for the last position only) → 1 / (time of that forward).
// - weights GB/s: parameter bytes streamed per decoded token (every weight is read once per token) / time.
//   The reference ceiling is the LM head alone as a matrix-vector product (1×C times V×C, 154 MB at 124M),
//   measured in the same run: pure weight streaming, no other work.
// Wasm backends are measured in alternating blocks (one prefill + 16 decode steps each), so drifts of this
// shared machine hit both alike; medians over blocks. TS runs one block, and only the small config (a 512-token
// prefill of the 124M model would take minutes there).
import { InferenceSession, initWasm } from '../dist/index.js';
import { createJsKernels, createWasmKernels } from '../dist/kernels/index.js';
import { paramLayout } from '../dist/model/layout.js';
import { Results, fmt, parseArgs, printTable } from './lib.mjs';

const args = parseArgs();
const base = { activation: 'gelu', norm: 'pre', positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5 };
const CONFIGS = [
  // The small preset with a 1024-token context, so 512 tokens of context fit with room to decode.
  { name: 'small', dims: { ...base, vocabSize: 4096, blockSize: 1024, nLayer: 6, nHead: 6, nEmbd: 384 }, ts: true },
  { name: 'gpt2-124M', dims: { ...base, vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 }, ts: false },
];
const CONTEXT = 512;
const DECODE_STEPS = 16;
const ROUNDS = args.quick ? 1 : 3;

function randomParams(dims, seed) {
  const layout = paramLayout(dims);
  const p = new Float32Array(layout.total);
  let s = seed >>> 0;
  for (let i = 0; i < p.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    p[i] = (s / 4294967296 - 0.5) * 0.04;
  }
  for (const t of layout.tensors.values()) if (t.name.startsWith('ln') && t.name.endsWith('w')) p.fill(1, t.offset, t.offset + t.size);
  return p;
}

const median = (xs) => {
  const t = [...xs].sort((a, b) => a - b);
  const m = t.length >> 1;
  return t.length % 2 ? t[m] : (t[m - 1] + t[m]) / 2;
};

const one = await initWasm({ artifact: 'simd' });
const all = await initWasm();
const impls = [
  { impl: 'wasm-1t', threads: 1, k: createWasmKernels(one) },
  { impl: `wasm-${all.capabilities().threadCount}t`, threads: all.capabilities().threadCount, k: createWasmKernels(all) },
  { impl: 'ts', threads: 1, k: createJsKernels() },
].filter((i) => !args.only || args.only.some((o) => i.impl.startsWith(o)));
const results = new Results();

for (const cfg of CONFIGS) {
  const { dims } = cfg;
  const host = randomParams(dims, 1);
  const weightBytes = host.length * 4;
  const prompt = Array.from({ length: CONTEXT }, (_, i) => (i * 7919 + 13) % dims.vocabSize);
  const runs = impls.filter((i) => i.impl !== 'ts' || cfg.ts).map((i) => {
    const params = i.k.from(host);
    const session = new InferenceSession({ kernels: i.k, config: dims, params }, { maxLength: CONTEXT + DECODE_STEPS });
    // The LM head as a lone matrix-vector product: the weight-streaming ceiling.
    const layout = paramLayout(dims);
    const wte = i.k.view(params, layout.tensors.get('wte').offset, dims.vocabSize * dims.nEmbd);
    const x = i.k.from(host.subarray(0, dims.nEmbd));
    const y = i.k.alloc(dims.vocabSize);
    return { ...i, params, session, gemv: () => i.k.matmulForward(y, x, wte, null, 1, dims.nEmbd, dims.vocabSize), x, y, prefill: [], decode: [], gemvMs: [] };
  });
  const block = (r) => {
    let t0 = performance.now();
    r.session.prefill(prompt);
    r.prefill.push(performance.now() - t0);
    for (let s = 0; s < DECODE_STEPS; s++) {
      t0 = performance.now();
      r.session.forward([(s * 31 + 5) % dims.vocabSize]);
      r.decode.push(performance.now() - t0);
    }
    if (r.impl !== 'ts') {
      for (let s = 0; s < 3; s++) {
        t0 = performance.now();
        r.gemv();
        r.gemvMs.push(performance.now() - t0);
      }
    }
  };
  for (const r of runs) { // warm-up: first touch of every buffer, V8 tiers up
    r.session.prefill(prompt.slice(0, 64));
    r.session.forward([1]);
    if (r.impl !== 'ts') r.gemv();
  }
  for (let round = 0; round < ROUNDS; round++) for (const r of runs) if (r.impl !== 'ts' || round === 0) block(r);

  const rows = [];
  for (const r of runs) {
    const prefillMs = median(r.prefill);
    const decodeMs = median(r.decode);
    const prefillTps = (CONTEXT / prefillMs) * 1000;
    const decodeTps = 1000 / decodeMs;
    const noCacheTps = 1000 / prefillMs; // one full forward over the 512-token context per new token
    const gbs = weightBytes / decodeMs / 1e6;
    const gemvGbs = r.gemvMs.length ? (dims.vocabSize * dims.nEmbd * 4) / median(r.gemvMs) / 1e6 : NaN;
    const add = (metric, value) => results.add('generate', r.impl, r.threads, cfg.name, metric, value);
    add('prefill tokens/s', prefillTps);
    add('decode tokens/s', decodeTps);
    add('no-cache tokens/s', noCacheTps);
    add('kv/no-cache', decodeTps / noCacheTps);
    add('weights GB/s', gbs);
    if (!Number.isNaN(gemvGbs)) add('lm-head gemv GB/s', gemvGbs);
    rows.push([r.impl, fmt(prefillTps, 0), fmt(decodeTps, 1), fmt(noCacheTps, 2), fmt(decodeTps / noCacheTps, 0) + '×',
      fmt(gbs, 1), fmt(gemvGbs, 1), Number.isNaN(gemvGbs) ? '-' : fmt((100 * gbs) / gemvGbs, 0) + '%']);
  }
  const wasm1 = results.get('generate', 'wasm-1t', cfg.name, 'decode tokens/s');
  console.log(`\n${cfg.name}: L=${dims.nLayer} H=${dims.nHead} C=${dims.nEmbd} V=${dims.vocabSize}, ${(weightBytes / 1e6).toFixed(0)} MB of weights, ` +
    `batch 1, context ${CONTEXT}–${CONTEXT + DECODE_STEPS}`);
  printTable(['impl', 'prefill tok/s', 'decode tok/s', 'no-cache tok/s', 'KV/no-cache', 'weights GB/s', 'LM-head GEMV GB/s', 'decode/GEMV'], rows);
  if (wasm1) {
    const others = runs.filter((r) => r.impl !== 'wasm-1t').map((r) => `${r.impl} ${fmt(results.get('generate', r.impl, cfg.name, 'decode tokens/s') / wasm1, 2)}×`);
    console.log(`decode vs wasm-1t: ${others.join(', ')}`);
  }
  for (const r of runs) {
    r.session.free();
    for (const b of [r.params, r.x, r.y]) r.k.free(b);
  }
}
results.writeJson(args.json);
await one.terminate();
await all.terminate();
