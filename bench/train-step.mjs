// Full training step (forward + backward + gradient clipping + AdamW) in tokens/s, and where the time goes
// per op, for the two configs, on wasm 1 thread, wasm all threads and pure TypeScript.
// The JS twin is ~50x slower, so it runs with B = 1 (tokens/s is per-token cost, nearly independent of B).
import { initWasm } from '../dist/index.js';
import { createJsKernels, createWasmKernels } from '../dist/kernels/index.js';
import { GPTEngine } from '../dist/model/engine.js';
import { Results, fmt, parseArgs, printTable } from './lib.mjs';

const args = parseArgs();
const base = { activation: 'gelu', norm: 'pre', positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5 };
const CONFIGS = [
  { name: 'tiny', dims: { ...base, vocabSize: 256, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128 }, B: 16, T: 128 },
  { name: 'small', dims: { ...base, vocabSize: 4096, blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384 }, B: 8, T: 256 },
].filter((c) => !args.quick || c.name === 'tiny');

const one = await initWasm({ artifact: 'simd' });
const all = await initWasm();
const threads = all.capabilities().threadCount;
const backends = [
  { impl: 'wasm-1t', threads: 1, k: createWasmKernels(one) },
  { impl: `wasm-${threads}t`, threads, k: createWasmKernels(all) },
  { impl: 'ts', threads: 1, k: createJsKernels() },
].filter((b) => !args.only || args.only.some((o) => b.impl.startsWith(o)));
const results = new Results();
const hyper = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

/** Wraps every kernel so each call's wall time is added to `into[op]`. */
function timed(k, into) {
  const out = { ...k };
  for (const [name, fn] of Object.entries(k)) {
    if (typeof fn !== 'function' || ['alloc', 'from', 'allocI32', 'fromI32', 'view', 'viewI32', 'free'].includes(name)) continue;
    out[name] = (...a) => {
      const t0 = performance.now();
      const r = fn(...a);
      into[name] = (into[name] ?? 0) + performance.now() - t0;
      return r;
    };
  }
  return out;
}

for (const cfg of CONFIGS) {
  const opRows = {};
  for (const b of backends) {
    const B = b.impl === 'ts' ? 1 : cfg.B;
    const N = B * cfg.T;
    const perOp = {};
    const e = new GPTEngine(timed(b.k, perOp), cfg.dims, B, cfg.T);
    e.initGpt2(1);
    let s = 1;
    const ids = () => Array.from({ length: N }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) % cfg.dims.vocabSize);
    const step = (t) => {
      const x = ids();
      e.zeroGrad();
      e.forward(x, x.slice(1).concat([0]), true, t);
      e.backward();
      e.clipGradients(1);
      e.update(hyper, t);
    };
    step(1); // warm-up (and first-touch of all buffers)
    for (const k of Object.keys(perOp)) delete perOp[k];
    const reps = b.impl === 'ts' ? 2 : cfg.name === 'tiny' ? 7 : 4;
    const times = [];
    for (let t = 2; t < 2 + reps; t++) {
      const t0 = performance.now();
      step(t);
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const ms = times[times.length >> 1];
    results.add('train-step', b.impl, b.threads, cfg.name, 'tokens/s', (N / ms) * 1000);
    results.add('train-step', b.impl, b.threads, cfg.name, 'ms/step', ms);
    const total = Object.values(perOp).reduce((x, y) => x + y, 0);
    results.add('train-step', b.impl, b.threads, cfg.name, 'kernel-share-%', (100 * total) / reps / ms);
    for (const [op, t] of Object.entries(perOp)) {
      results.add('train-step-op', b.impl, b.threads, cfg.name, `${op} ns/token`, (1e6 * t) / reps / N);
      (opRows[op] ??= {})[b.impl] = (1e6 * t) / reps / N;
    }
    e.free();
  }
  const get = (impl) => results.get('train-step', impl, cfg.name, 'tokens/s');
  console.log(`\n${cfg.name}: L=${cfg.dims.nLayer} H=${cfg.dims.nHead} C=${cfg.dims.nEmbd} V=${cfg.dims.vocabSize} T=${cfg.T} B=${cfg.B} (TS: B=1)`);
  printTable(
    ['impl', 'tokens/s', 'ms/step', 'kernels % of step', 'vs ts'],
    backends.map((b) => [b.impl, fmt(get(b.impl), 0), fmt(results.get('train-step', b.impl, cfg.name, 'ms/step'), 1),
      fmt(results.get('train-step', b.impl, cfg.name, 'kernel-share-%'), 1), fmt(get(b.impl) / get('ts'), 1)]),
  );
  console.log(`\nper op, µs per token (sum over the step's calls):`);
  printTable(['op', ...backends.map((b) => b.impl)], Object.entries(opRows)
    .sort((x, y) => (y[1]['wasm-1t'] ?? 0) - (x[1]['wasm-1t'] ?? 0))
    .map(([op, r]) => [op, ...backends.map((b) => fmt(r[b.impl] * 1e-3, 3))]));
}
results.writeJson(args.json);
await one.terminate();
await all.terminate();
