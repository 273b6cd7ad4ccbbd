// SGEMM benchmark: GFLOP/s of wasm (1 thread, all threads) and pure TypeScript (naive, tuned) on GPT-shaped
// products, with a SIMD128 peak probe measured in the same run so every wasm figure is also a percentage of
// what one core can do. Operands are resident in wasm memory (the `gemm` API): this measures the kernels,
// not copies. M = 1 rows are decode-time matrix-vector products, bound by memory: also reported in GB/s.
import { initWasm, matmulJs } from '../dist/index.js';
import { matmulJsNaive, simdPeak } from '../dist/testing.js';
import { Results, fmt, interleavedMedians, medianMs, parseArgs, printTable } from './lib.mjs';

const args = parseArgs();
const SHAPES = args.quick
  ? [[256, 768, 768], [1, 768, 3072]]
  : [[512, 512, 512], [1024, 1024, 1024], [256, 768, 768], [256, 768, 3072], [256, 3072, 768], [1, 768, 768], [1, 768, 3072]];

const one = await initWasm({ artifact: 'simd' });
const all = await initWasm();
const threads = all.capabilities().threadCount;
const results = new Results();
const shapeName = ([m, k, n]) => `${m}x${k}x${n}`;

// Peak probe: register-resident f32x4 multiply+add on one thread. Best of 7, taken before and again after
// the products (the machine's speed drifts), so %peak is measured against the ceiling, not a slow phase.
let peak = 0;
const probe = () => {
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    const flops = simdPeak(one, 20_000_000);
    peak = Math.max(peak, flops / (performance.now() - t0) / 1e6);
  }
};
probe();

const seeded = (n, seed) => {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; out[i] = s / 2 ** 31 - 1; }
  return out;
};

const impls = [
  ['wasm-1t', 1, (ctx) => () => one.gemm(ctx.A1, ctx.B1, ctx.C1, ctx.dims)],
  [`wasm-${threads}t`, threads, (ctx) => () => all.gemm(ctx.An, ctx.Bn, ctx.Cn, ctx.dims)],
  ['ts-tuned', 1, (ctx) => () => matmulJs(ctx.a, ctx.b, ctx.dims, ctx.c)],
  ['ts-naive', 1, (ctx) => () => matmulJsNaive(ctx.a, ctx.b, ctx.dims, ctx.c)],
].filter(([name]) => !args.only || args.only.some((o) => name.startsWith(o)));

for (const shape of SHAPES) {
  const [m, k, n] = shape;
  const dims = { m, n, k };
  const a = seeded(m * k, 1);
  const b = seeded(k * n, 2);
  const c = new Float32Array(m * n);
  const ctx = { dims, a, b, c, A1: one.from(a), B1: one.from(b), C1: one.alloc(m * n), An: all.from(a), Bn: all.from(b), Cn: all.alloc(m * n) };
  const flops = 2 * m * n * k;
  const record = (name, t, ms) => {
    const gflops = flops / ms / 1e6;
    results.add('gemm', name, t, shapeName(shape), 'GFLOP/s', gflops);
    if (m === 1) results.add('gemm', name, t, shapeName(shape), 'GB/s', (4 * (k * n + k + n)) / ms / 1e6);
  };
  // The wasm variants alternate call by call so their ratio is not skewed by the machine's slow phases.
  const wasm = impls.filter(([name]) => name.startsWith('wasm'));
  interleavedMedians(wasm.map(([, , make]) => make(ctx))).forEach((ms, i) => record(wasm[i][0], wasm[i][1], ms));
  for (const [name, t, make] of impls.filter(([name]) => !name.startsWith('wasm'))) {
    const slow = name === 'ts-naive';
    record(name, t, medianMs(make(ctx), slow ? { minReps: 1, maxReps: 3, minMs: 0 } : { minReps: 5, minMs: 500 }));
  }
  for (const x of [ctx.A1, ctx.B1, ctx.C1, ctx.An, ctx.Bn, ctx.Cn]) x.free();
}

probe();
results.add('gemm', 'simd128-peak-probe', 1, '-', 'GFLOP/s', peak);
console.log(`SIMD128 peak probe (one core): ${fmt(peak)} GFLOP/s; wasm all-threads pool: ${threads} threads\n`);
for (const r of [...results.records]) {
  if (r.impl.startsWith('wasm') && r.metric === 'GFLOP/s') results.add('gemm', r.impl, r.threads, r.shape, '%peak', (100 * r.value) / (peak * r.threads));
}

const rows = SHAPES.map((s) => {
  const sh = shapeName(s);
  const g = (impl) => results.get('gemm', impl, sh, 'GFLOP/s');
  const w1 = g('wasm-1t'), wn = g(`wasm-${threads}t`), tt = g('ts-tuned'), tn = g('ts-naive');
  const bw = s[0] === 1 ? `${fmt(results.get('gemm', 'wasm-1t', sh, 'GB/s'))} / ${fmt(results.get('gemm', `wasm-${threads}t`, sh, 'GB/s'))}` : '';
  return [sh, fmt(w1), `${fmt((100 * w1) / peak, 0)}%`, fmt(wn), fmt(wn / w1, 2), fmt(tt), fmt(tn, 2), fmt(w1 / tt, 1), fmt(wn / tt, 1), bw];
});
printTable(
  ['M x K x N', 'wasm 1t', '%peak', `wasm ${threads}t`, `${threads}t/1t`, 'ts tuned', 'ts naive', '1t/ts', `${threads}t/ts`, 'GB/s 1t / Nt'],
  rows,
);
console.log('\nGFLOP/s, medians; %peak = wasm 1t / SIMD128 peak probe; ratios from the same run.');
results.writeJson(args.json);
await one.terminate();
await all.terminate();
