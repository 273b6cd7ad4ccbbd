// Causal self-attention forward and backward at GPT-2-like shapes: wasm 1 thread, all threads, pure TS.
// FLOPs counted are the causal ones (QKᵀ and PV over the lower triangle: 2·B·T²·C for the forward).
// `--baseline DIR` also times the single-thread artifact of another build (DIR = its pkg/), interleaved with
// this one, for before/after ratios measured in the same run.
import { initWasm } from '../dist/index.js';
import { createJsKernels, createWasmKernels } from '../dist/kernels/index.js';
import { join, resolve } from 'node:path';
import { Results, fmt, interleavedMedians, medianMs, parseArgs, printTable } from './lib.mjs';

const args = parseArgs();
const SHAPES = [
  { name: 'T=256 12x64 B=1', B: 1, T: 256, C: 768, NH: 12 },
  { name: 'T=128 4x32 B=16 (tiny)', B: 16, T: 128, C: 128, NH: 4 },
  { name: 'T=256 6x64 B=8 (small)', B: 8, T: 256, C: 384, NH: 6 },
].slice(0, args.quick ? 1 : 3);
const one = await initWasm({ artifact: 'simd' });
const all = await initWasm();
const threads = all.capabilities().threadCount;
const base = args.baseline ? await initWasm({ artifact: 'simd', wasmUrl: { simd: join(resolve(args.baseline), 'wasm_gpt_simd.wasm') } }) : undefined;
const kernels = [
  ...(base ? [['baseline-1t', 1, createWasmKernels(base)]] : []),
  ['wasm-1t', 1, createWasmKernels(one)], [`wasm-${threads}t`, threads, createWasmKernels(all)], ['ts', 1, createJsKernels()],
];
const results = new Results();
const rows = [];
for (const s of SHAPES) {
  const { B, T, C, NH } = s;
  const fns = [];
  for (const [impl, t, k] of kernels) {
    const rnd = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
    const qkv = k.from(rnd(B * T * 3 * C, 1)), dout = k.from(rnd(B * T * C, 2));
    const out = k.alloc(B * T * C), lse = k.alloc(B * NH * T), dqkv = k.alloc(B * T * 3 * C);
    fns.push({ impl, t, fwd: () => k.attentionForward(out, lse, qkv, B, T, C, NH, 0, 1), bwd: () => k.attentionBackward(dqkv, dout, qkv, out, lse, B, T, C, NH, 0, 1, true) });
  }
  const wasm = fns.filter((f) => f.impl !== 'ts');
  const fwd = interleavedMedians(wasm.map((f) => f.fwd));
  const bwd = interleavedMedians(wasm.map((f) => f.bwd));
  const ts = fns.find((f) => f.impl === 'ts');
  const tsF = medianMs(ts.fwd, { minReps: 1, maxReps: 3, minMs: 0 });
  const tsB = medianMs(ts.bwd, { minReps: 1, maxReps: 3, minMs: 0 });
  const flops = 2 * B * T * T * C;
  const all3 = [...wasm.map((f, i) => [f, fwd[i], bwd[i]]), [ts, tsF, tsB]];
  for (const [f, ms, msb] of all3) {
    results.add('attention', f.impl, f.t, s.name, 'forward ms', ms);
    results.add('attention', f.impl, f.t, s.name, 'backward ms', msb);
    results.add('attention', f.impl, f.t, s.name, 'forward GFLOP/s', flops / ms / 1e6);
    const vsBase = base ? (f.impl === 'ts' ? ['-', '-'] : [fmt(ms / fwd[0], 2), fmt(msb / bwd[0], 2)]) : [];
    rows.push([s.name, f.impl, fmt(ms, 2), fmt(msb, 2), fmt(msb / ms, 2), fmt(flops / ms / 1e6, 1), fmt(tsF / ms, 0), ...vsBase]);
  }
}
printTable(['shape', 'impl', 'forward ms', 'backward ms', 'bwd/fwd', 'fwd GFLOP/s', 'fwd vs ts', ...(base ? ['fwd / baseline', 'bwd / baseline'] : [])], rows);
results.writeJson(args.json);
await base?.terminate();
await one.terminate();
await all.terminate();
