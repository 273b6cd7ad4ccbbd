// Training-op benchmark: per-op median ms of the linear layer (matmul), fused cross-entropy, dropout and the
// optimizer ops for two GPT configs, on wasm 1 thread, wasm 2 threads and pure TypeScript.
//   tiny:  B=16, T=128, C=128, V=256,  L=4
//   small: B=8,  T=256, C=384, V=4096, L=6
// Matmuls use N = B·T rows with the GPT's layer shapes (C→3C, C→C, C→4C, 4C→C, C→V); cross-entropy is
// (B·T)×V; dropout runs over (B·T)×C; AdamW / gradNorm / scale over 12·L·C² + V·C parameters.
import { initWasm } from '../dist/index.js';
import { createJsKernels, createWasmKernels } from '../dist/kernels/index.js';
import { Results, fmt, interleavedMedians, medianMs, parseArgs, printTable } from './lib.mjs';

const args = parseArgs();
const CONFIGS = [
  { name: 'tiny', B: 16, T: 128, C: 128, V: 256, L: 4 },
  ...(args.quick ? [] : [{ name: 'small', B: 8, T: 256, C: 384, V: 4096, L: 6 }]),
];

const one = await initWasm({ artifact: 'simd' });
const two = await initWasm({ artifact: 'threads-simd', threads: 2 });
const IMPLS = [
  ['wasm-1t', 1, createWasmKernels(one)],
  ['wasm-2t', 2, createWasmKernels(two)],
  ['js', 1, createJsKernels()],
].filter(([name]) => !args.only || args.only.includes(name));

const seeded = (n, seed) => {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; out[i] = s / 2 ** 31 - 1; }
  return out;
};

const results = new Results();
for (const cfg of CONFIGS) {
  const { B, T, C, V, L } = cfg;
  const N = B * T;
  const P = 12 * L * C * C + V * C;
  const linears = [['qkv', C, 3 * C], ['attproj', C, C], ['fc', C, 4 * C], ['fcproj', 4 * C, C], ['lm_head', C, V]];
  const rows = [];
  // The wasm variants are timed in alternating blocks (a busy machine slows them alike, so 1t/2t ratios stay
  // meaningful); pure TS, seconds per call on the big products, separately with fewer repetitions.
  const measure = (op, shape, make) => {
    const ctxs = IMPLS.map(([, , k]) => make(k));
    const wasm = IMPLS.map(([name], i) => [name, i]).filter(([name]) => name !== 'js');
    const ms = new Array(IMPLS.length);
    interleavedMedians(wasm.map(([, i]) => ctxs[i].fn)).forEach((t, j) => (ms[wasm[j][1]] = t));
    IMPLS.forEach(([name], i) => {
      if (name === 'js') ms[i] = medianMs(ctxs[i].fn, { minReps: 3, maxReps: 20, minMs: 300 });
    });
    ctxs.forEach((c) => c.free());
    const row = [op, shape];
    IMPLS.forEach(([impl, threads], i) => {
      results.add('train-ops', impl, threads, `${cfg.name}:${op}:${shape}`, 'ms', ms[i]);
      row.push(fmt(ms[i], ms[i] < 1 ? 3 : ms[i] < 10 ? 2 : 1));
    });
    rows.push(row);
  };
  const bufs = (k, list) => {
    const made = list.map((x) => (x instanceof Int32Array ? k.fromI32(x) : k.from(x)));
    return { b: made, free: () => made.forEach((x) => k.free(x)) };
  };

  for (const [layer, inC, outC] of linears) {
    const shape = `${N}x${inC}->${outC}`;
    measure(`matmul fwd ${layer}`, shape, (k) => {
      const { b: [out, inp, w, bias], free } = bufs(k, [new Float32Array(N * outC), seeded(N * inC, 1), seeded(outC * inC, 2), seeded(outC, 3)]);
      return { fn: () => k.matmulForward(out, inp, w, bias, N, inC, outC), free };
    });
    measure(`matmul bwd ${layer}`, shape, (k) => {
      const { b: [dinp, dw, db, dout, inp, w], free } = bufs(k, [new Float32Array(N * inC), new Float32Array(outC * inC), new Float32Array(outC), seeded(N * outC, 4), seeded(N * inC, 1), seeded(outC * inC, 2)]);
      return { fn: () => k.matmulBackward(dinp, dw, db, dout, inp, w, N, inC, outC, true), free };
    });
  }
  const targets = Int32Array.from({ length: N }, (_, i) => (i * 7919) % V);
  measure('crossentropy fwd', `${N}x${V}`, (k) => {
    const { b: [losses, lse, logits, tg], free } = bufs(k, [new Float32Array(N), new Float32Array(N), seeded(N * V, 5).map((x) => 4 * x), targets]);
    return { fn: () => k.crossEntropyForward(losses, lse, logits, tg, N, V, -100), free };
  });
  measure('crossentropy bwd', `${N}x${V}`, (k) => {
    const logitsData = seeded(N * V, 5).map((x) => 4 * x);
    const { b: [dlogits, logits, lse, losses, tg], free } = bufs(k, [new Float32Array(N * V), logitsData, new Float32Array(N), new Float32Array(N), targets]);
    k.crossEntropyForward(losses, lse, logits, tg, N, V, -100);
    return { fn: () => k.crossEntropyBackward(dlogits, logits, lse, tg, N, V, -100, 1 / N), free };
  });
  measure('dropout fwd p=0.1', `${N * C}`, (k) => {
    const { b: [out, inp], free } = bufs(k, [new Float32Array(N * C), seeded(N * C, 6)]);
    let step = 0;
    return { fn: () => k.dropoutForward(out, inp, N * C, 0.1, 1234, (step++ * N * C) >>> 0), free };
  });
  measure('adamw', `${P}`, (k) => {
    const { b: [p, g, m, v, r], free } = bufs(k, [seeded(P, 7), seeded(P, 8).map((x) => 0.01 * x), new Float32Array(P), new Float32Array(P), Int32Array.of(0, 12 * L * C * C)]);
    let step = 1;
    return { fn: () => k.adamw(p, g, m, v, P, r, 1, 3e-4, 0.9, 0.95, 1e-8, 0.1, step++), free };
  });
  measure('gradNorm', `${P}`, (k) => {
    const { b: [g], free } = bufs(k, [seeded(P, 8)]);
    return { fn: () => k.gradNorm(g, P), free };
  });
  measure('scale', `${P}`, (k) => {
    const { b: [g], free } = bufs(k, [seeded(P, 8)]);
    return { fn: () => k.scale(g, P, 0.999), free };
  });

  console.log(`\n### ${cfg.name}: B=${B} T=${T} C=${C} V=${V} L=${L} (N=${N}, ${P} parameters), median ms\n`);
  printTable(['op', 'shape', ...IMPLS.map(([name]) => name)], rows);
}
results.writeJson(args.json);
await Promise.all([one.terminate(), two.terminate()]);
