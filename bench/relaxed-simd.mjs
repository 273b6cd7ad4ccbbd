// Relaxed-SIMD artifact vs SIMD128 artifact, one thread each, in one process: SGEMM and the decode GEMV with
// operands resident in wasm memory (the `gemm` API), the two cores alternating call by call so the ratio is
// not skewed by the machine's slow phases (medians), and the load-time micro-kernel probe of each.
// Node 20 runs relaxed SIMD only with --experimental-wasm-relaxed-simd: without it this script re-runs itself
// with the flag.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initWasm } from '../dist/index.js';
import { createWasmKernels } from '../dist/kernels/index.js';
import { relaxedSimdSupported } from '../dist/wasm/artifacts.js';
import { GEMM_KERNEL_NAMES, GEMM_KERNELS, probeGemmKernels } from '../dist/wasm/gemm-kernels.js';
import { Results, fmt, interleavedMedians, parseArgs, printTable } from './lib.mjs';

if (!relaxedSimdSupported()) {
  if (process.execArgv.includes('--experimental-wasm-relaxed-simd')) {
    console.log('relaxed SIMD unavailable in this Node even with --experimental-wasm-relaxed-simd; nothing to compare');
    process.exit(0);
  }
  const res = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(res.status ?? 1);
}

const args = parseArgs();
// [M, K, N]: GPT-2's MLP up-projection at 256 tokens, a square product, the decode GEMV of the same weights.
const SHAPES = args.quick ? [[256, 768, 3072], [1, 768, 3072]] : [[256, 768, 3072], [512, 512, 512], [1, 768, 3072]];

const plain = await initWasm({ artifact: 'simd' });
const relaxed = await initWasm({ artifact: 'relaxed-simd' });
const results = new Results();
const shapeName = ([m, k, n]) => `${m}x${k}x${n}`;
// Both cores run the same tile shape, set here for each measurement: the load-time probe can pick differently
// for the two when the machine is busy, and the ratio would then measure that choice, not relaxed SIMD.
const KERNELS = ['4x8', '2x16'];
const setKernel = (core, k) => core.invoke('gemmKernel', (x) => x.wgpt_gemm_set_kernel(GEMM_KERNELS[k]));

const seeded = (n, seed) => {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { s = (s * 1664525 + 1013904223) >>> 0; out[i] = s / 2 ** 31 - 1; }
  return out;
};

const rows = [];
for (const shape of SHAPES) {
  const [m, k, n] = shape;
  const dims = { m, n, k };
  const a = seeded(m * k, 1);
  const b = seeded(k * n, 2);
  const bufs = [plain, relaxed].map((core) => ({ core, A: core.from(a), B: core.from(b), C: core.alloc(m * n) }));
  // Fewer than 4 rows take the GEMV path, which has no tile shape.
  for (const kernel of m < 4 ? ['-'] : KERNELS) {
    if (kernel !== '-') for (const core of [plain, relaxed]) setKernel(core, kernel);
    const ms = interleavedMedians(bufs.map(({ core, A, B, C }) => () => core.gemm(A, B, C, dims)), { rounds: 10 });
    const g = ms.map((t) => (2 * m * n * k) / t / 1e6);
    ['simd', 'relaxed-simd'].forEach((name, i) => results.add('relaxed', name, 1, `${shapeName(shape)}/${kernel}`, 'GFLOP/s', g[i]));
    rows.push([shapeName(shape), kernel, fmt(g[0]), fmt(g[1]), fmt(g[1] / g[0], 2)]);
  }
  for (const { A, B, C } of bufs) { A.free(); B.free(); C.free(); }
}

// The exp-heavy ops, where the relaxed build also spells pmax/pmin as a select (see crate/src/simd.rs) and
// attention's dot products use relaxed_madd: causal attention forward and backward (GPT-2 head shape, T = 256)
// and the cross-entropy over GPT-2's vocabulary.
{
  const ks = [plain, relaxed].map((core) => createWasmKernels(core));
  const wave = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
  const [B, T, C, NH] = [1, 256, 768, 12];
  const [N, V] = [32, 50257];
  const ops = ks.map((k) => {
    const qkv = k.from(wave(B * T * 3 * C, 1)), dout = k.from(wave(B * T * C, 2));
    const out = k.alloc(B * T * C), lse = k.alloc(B * NH * T), dqkv = k.alloc(B * T * 3 * C);
    const logits = k.from(wave(N * V, 3)), losses = k.alloc(N), rowLse = k.alloc(N), dlogits = k.alloc(N * V);
    const targets = k.fromI32(Int32Array.from({ length: N }, (_, i) => (i * 997) % V));
    return {
      'attention fwd T=256 12x64': () => k.attentionForward(out, lse, qkv, B, T, C, NH, 0, 1),
      'attention bwd T=256 12x64': () => k.attentionBackward(dqkv, dout, qkv, out, lse, B, T, C, NH, 0, 1, true),
      'cross-entropy fwd+bwd 32x50257': () => {
        k.crossEntropyForward(losses, rowLse, logits, targets, N, V, -100);
        k.crossEntropyBackward(dlogits, logits, rowLse, targets, N, V, -100, 1 / N);
      },
    };
  });
  for (const name of Object.keys(ops[0])) {
    const ms = interleavedMedians(ops.map((o) => o[name]), { rounds: 10 });
    ['simd', 'relaxed-simd'].forEach((impl, i) => results.add('relaxed', impl, 1, name, 'ms', ms[i]));
    rows.push([name, '', `${fmt(ms[0], 2)} ms`, `${fmt(ms[1], 2)} ms`, fmt(ms[0] / ms[1], 2)]);
  }
}

const caps = [plain, relaxed].map((c) => c.capabilities());
printTable(['M x K x N / op', 'tile', 'SIMD128', 'relaxed', 'relaxed speed-up'], rows);

// The load-time probe ran once per core, each at a different moment of the machine's load: run it again,
// alternating between the cores, and take each shape's median over the rounds.
const rounds = args.quick ? 3 : 9;
const probes = [plain, relaxed].map(() => Object.fromEntries(GEMM_KERNEL_NAMES.map((k) => [k, []])));
for (let r = 0; r < rounds; r++) {
  [plain, relaxed].forEach((core, i) => {
    const { gflops } = core.invoke('probe', (x) => probeGemmKernels(x));
    for (const k of GEMM_KERNEL_NAMES) probes[i][k].push(gflops[k]);
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log('\nmicro-kernel probe, GFLOP/s: at load (shape picked) | re-run alternating, median of', rounds);
caps.forEach((c, i) => {
  const atLoad = GEMM_KERNEL_NAMES.map((k) => `${k} ${fmt(c.gemmKernelProbe[k])}`).join(', ');
  const again = GEMM_KERNEL_NAMES.map((k) => `${k} ${fmt(median(probes[i][k]))}`).join(', ');
  console.log(`  ${c.artifact.padEnd(13)} ${atLoad} (picked ${c.gemmKernel}) | ${again}`);
  for (const k of GEMM_KERNEL_NAMES) results.add('relaxed-probe', c.artifact, 1, k, 'GFLOP/s', median(probes[i][k]));
});
const ratios = GEMM_KERNEL_NAMES.map((k) => `${k} ${fmt(median(probes[1][k]) / median(probes[0][k]), 2)}`).join(', ');
console.log(`  relaxed / SIMD128 probe: ${ratios}`);
console.log(`\n1 thread, medians of calls alternating between the two cores; fused multiply-add in use: ${caps[1].fusedMultiplyAdd}.`);
results.writeJson(args.json);
await plain.terminate();
await relaxed.terminate();
