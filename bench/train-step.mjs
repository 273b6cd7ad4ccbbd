// Full training step (forward + backward + gradient clipping + AdamW) in tokens/s, and where the time goes
// per op, for the two configs, on wasm 1 thread, wasm all threads and pure TypeScript.
// The JS twin is ~50x slower, so it runs with B = 1 (tokens/s is per-token cost, nearly independent of B).
// Each (config, backend) runs in a fresh child process: a previous run's hundreds of MB of wasm memory
// otherwise stay in the process and slowed the next one by up to 40% (more GC work on the main thread).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initWasm } from '../dist/index.js';
import { createJsKernels, createWasmKernels } from '../dist/kernels/index.js';
import { GPTEngine } from '../dist/model/engine.js';
import { Results, fmt, parseArgs, printTable } from './lib.mjs';

const single = process.argv.indexOf('--single');
const args = single >= 0 ? { quick: false, json: undefined, only: undefined } : parseArgs();
const base = { activation: 'gelu', norm: 'pre', positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5 };
const CONFIGS_ALL = [
  { name: 'tiny', dims: { ...base, vocabSize: 256, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128 }, B: 16, T: 128 },
  { name: 'small', dims: { ...base, vocabSize: 4096, blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384 }, B: 8, T: 256 },
];
const CONFIGS = CONFIGS_ALL.filter((c) => !args.quick || c.name === 'tiny');

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

/** One (config, backend) measurement, in this process: {tokensPerSec, msPerStep, kernelShare, perOpNsPerToken}. */
async function measure(cfgName, impl) {
  const cfg = CONFIGS_ALL.find((c) => c.name === cfgName);
  const core = impl === 'ts' ? undefined : await initWasm(impl === 'wasm-1t' ? { artifact: 'simd' } : {});
  const k = core ? createWasmKernels(core) : createJsKernels();
  const B = impl === 'ts' ? 1 : cfg.B;
  const N = B * cfg.T;
  const perOp = {};
  const e = new GPTEngine(timed(k, perOp), cfg.dims, B, cfg.T);
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
  step(1); // warm-up (and first touch of every buffer)
  for (const key of Object.keys(perOp)) delete perOp[key];
  const reps = impl === 'ts' ? 2 : cfg.name === 'tiny' ? 7 : 3;
  const times = [];
  for (let t = 2; t < 2 + reps; t++) {
    const t0 = performance.now();
    step(t);
    times.push(performance.now() - t0);
  }
  const mean = times.reduce((x, y) => x + y, 0) / reps;
  times.sort((x, y) => x - y);
  const ms = times[times.length >> 1];
  const total = Object.values(perOp).reduce((x, y) => x + y, 0);
  const res = {
    threads: core ? core.capabilities().threadCount : 1,
    tokensPerSec: (N / ms) * 1000,
    msPerStep: ms,
    kernelShare: (100 * total) / reps / mean,
    perOp: Object.fromEntries(Object.entries(perOp).map(([op, t]) => [op, (1e6 * t) / reps / N])),
  };
  e.free();
  await core?.terminate();
  return res;
}

if (single >= 0) {
  const [cfgName, impl] = process.argv.slice(single + 1, single + 3);
  process.stdout.write(JSON.stringify(await measure(cfgName, impl)));
  process.exit(0);
}

const threads = (await import('node:os')).availableParallelism();
const impls = ['wasm-1t', `wasm-${threads}t`, 'ts'].filter((i) => !args.only || args.only.some((o) => i.startsWith(o)));
const results = new Results();
// Wasm backends run REPEATS times each, alternating (1t, 2t, 1t, 2t, ...) so slow phases of the machine hit
// both alike; the run with the median tokens/s is reported. The TS twin, ~30x slower, runs once.
const REPEATS = args.quick ? 1 : 3;
const runOnce = (cfg, impl) =>
  JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--single', cfg.name, impl], { encoding: 'utf8', maxBuffer: 1 << 24 }));
for (const cfg of CONFIGS) {
  const opRows = {};
  const runs = Object.fromEntries(impls.map((i) => [i, []]));
  for (let r = 0; r < REPEATS; r++) for (const impl of impls) if (r === 0 || impl !== 'ts') runs[impl].push(runOnce(cfg, impl));
  for (const impl of impls) {
    const sorted = runs[impl].sort((a, b) => a.tokensPerSec - b.tokensPerSec);
    const r = sorted[sorted.length >> 1];
    results.add('train-step', impl, r.threads, cfg.name, 'tokens/s', r.tokensPerSec);
    results.add('train-step', impl, r.threads, cfg.name, 'ms/step', r.msPerStep);
    results.add('train-step', impl, r.threads, cfg.name, 'kernel-share-%', r.kernelShare);
    for (const [op, ns] of Object.entries(r.perOp)) {
      results.add('train-step-op', impl, r.threads, cfg.name, `${op} ns/token`, ns);
      (opRows[op] ??= {})[impl] = ns;
    }
  }
  const get = (impl) => results.get('train-step', impl, cfg.name, 'tokens/s');
  console.log(`\n${cfg.name}: L=${cfg.dims.nLayer} H=${cfg.dims.nHead} C=${cfg.dims.nEmbd} V=${cfg.dims.vocabSize} T=${cfg.T} B=${cfg.B} (TS: B=1)`);
  printTable(
    ['impl', 'tokens/s', 'ms/step', 'kernels % of step', 'vs wasm-1t', 'vs ts'],
    impls.map((i) => [i, fmt(get(i), 0), fmt(results.get('train-step', i, cfg.name, 'ms/step'), 1),
      fmt(results.get('train-step', i, cfg.name, 'kernel-share-%'), 1), fmt(get(i) / get('wasm-1t'), 2), fmt(get(i) / get('ts'), 1)]),
  );
  console.log('\nper op, µs per token (sum over the step\'s calls):');
  printTable(['op', ...impls], Object.entries(opRows)
    .sort((x, y) => (y[1]['wasm-1t'] ?? 0) - (x[1]['wasm-1t'] ?? 0))
    .map(([op, r]) => [op, ...impls.map((i) => fmt(r[i] * 1e-3, 3))]));
}
results.writeJson(args.json);
