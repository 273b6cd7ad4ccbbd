import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWasm, WasmCore, type ArtifactName } from '../src/index.js';
import { clockStep, GEMM_KERNEL_NAMES, GEMM_KERNELS, probeGemmKernels, type GemmKernelName } from '../src/wasm/gemm-kernels.js';
import { bitsEqual, expectWithinBound, gemmReference64, seeded } from './helpers/tolerance.js';

// Edges of every tile shape (6×8, 4×8, 2×16), of KC = 256 slabs, MC = 48 rows and NB = 64 columns per task;
// the last two have over 1 MiB of B, which each task packs its own band of (a narrower last band; B transposed).
const SHAPES: [number, number, number][] = [
  [4, 8, 8], [5, 17, 3], [6, 16, 256], [7, 33, 257], [13, 129, 31], [47, 65, 300], [49, 257, 513], [97, 40, 8],
  [256, 200, 600], [37, 520, 600], [37, 2100, 130],
];
const TRANSPOSES = [[false, false], [false, true], [true, false], [true, true]] as const;

function product(core: WasmCore, g: { m: number; n: number; k: number; transA: boolean; transB: boolean }, seed: number) {
  const a = seeded(seed, g.m * g.k);
  const b = seeded(seed + 1, g.k * g.n);
  const c = seeded(seed + 2, g.m * g.n);
  const opts = { ...g, alpha: 0.75, beta: 0.5 };
  const [A, B, C] = [core.from(a), core.from(b), core.from(c)];
  core.gemm(A, B, C, opts);
  const out = C.read();
  A.free(); B.free(); C.free();
  return { out, a, b, c, opts };
}

describe('every SGEMM tile shape gives bitwise identical products on both artifacts and any thread count', () => {
  const setups: [ArtifactName, number, GemmKernelName][] = [
    ...GEMM_KERNEL_NAMES.map((k) => ['simd', 1, k] as [ArtifactName, number, GemmKernelName]),
    ...GEMM_KERNEL_NAMES.map((k) => ['threads-simd', 2, k] as [ArtifactName, number, GemmKernelName]),
    ['threads-simd', 3, '2x16'],
  ];
  const cores: WasmCore[] = [];
  beforeAll(async () => {
    for (const [artifact, threads, gemmKernel] of setups) cores.push(await initWasm({ artifact, threads, gemmKernel }));
  });
  afterAll(async () => {
    await Promise.all(cores.map((c) => c.terminate()));
  });

  it('reports the forced shape and skips the probe', () => {
    expect(cores.map((c) => c.capabilities().gemmKernel)).toEqual(setups.map((s) => s[2]));
    for (const c of cores) expect(c.capabilities().gemmKernelProbe).toEqual({});
  });

  it('matches the float64 product and the other shapes bit for bit', () => {
    let seed = 1;
    for (const [m, n, k] of SHAPES) {
      for (const [transA, transB] of TRANSPOSES) {
        const g = { m, n, k, transA, transB };
        const first = product(cores[0], g, seed);
        const { want, bound } = gemmReference64(first.a, first.b, first.c, first.opts);
        expectWithinBound(first.out, want, bound, `6x8 ${JSON.stringify(g)}`);
        for (let i = 1; i < cores.length; i++) {
          const { out } = product(cores[i], g, seed);
          expect(bitsEqual(first.out, out), `${setups[i].join(' ')} differs from ${setups[0].join(' ')} on ${JSON.stringify(g)}`).toBe(true);
        }
        seed += 3;
      }
    }
  });
});

/**
 * A fake core for the probe: call `n` (from 1) of kernel `k` takes `perRound(k, n)` ms per round. The probe reads
 * the elapsed time rounded down to `step` ms (a coarse browser clock) or exactly (step 0).
 */
function fakeCore(perRound: (kernel: number, call: number) => number, step = 0) {
  let real = 0;
  const calls: number[] = [];
  const exports = {
    wgpt_gemm_kernel_probe(kernel: number, rounds: number) {
      calls[kernel] = (calls[kernel] ?? 0) + 1;
      real += perRound(kernel, calls[kernel]) * rounds;
      return 1;
    },
    wgpt_gemm_kernel_probe_flops: () => 1e6,
  };
  const now = () => (step > 0 ? Math.floor(real / step) * step : real);
  return { calls, elapsed: () => real, probe: (budgetMs: number) => probeGemmKernels(exports, { now, clockStepMs: step, budgetMs }) };
}

describe('the load-time probe', () => {
  it('times every shape, picks the fastest and reports it', async () => {
    const core = await initWasm({ artifact: 'simd' });
    try {
      const { gemmKernel, gemmKernelProbe } = core.capabilities();
      expect(Object.keys(gemmKernelProbe).sort()).toEqual([...GEMM_KERNEL_NAMES].sort());
      for (const g of Object.values(gemmKernelProbe)) expect(g).toBeGreaterThan(0.1);
      // The fastest, or one within the 3% the probe treats as a tie; or the 4×8 default when the machine
      // was too busy for the engine to optimise the kernels within the probe's budget.
      const fastest = Math.max(...Object.values(gemmKernelProbe));
      if (gemmKernel !== '4x8') expect(gemmKernelProbe[gemmKernel]! * 1.03).toBeGreaterThanOrEqual(fastest);
    } finally {
      await core.terminate();
    }
  });

  it('keeps timing until the rates settle, then takes the best per-round time of each shape', () => {
    // 4×8 fastest; every shape runs 10× slower for its first four calls (the engine's baseline tier), so a
    // probe that stopped early would see the wrong rates.
    const core = fakeCore((k, n) => [0.002, 0.001, 0.0015][k] * (n <= 4 ? 10 : 1));
    const { best, gflops } = core.probe(1000);
    expect(best).toBe('4x8');
    expect(gflops['6x8']).toBeCloseTo(1e6 / 0.002 / 1e6, 6);
    expect(gflops['4x8']).toBeCloseTo(1e6 / 0.001 / 1e6, 6);
    expect(gflops['2x16']).toBeCloseTo(1e6 / 0.0015 / 1e6, 6);
    expect(core.calls[GEMM_KERNELS['4x8']]).toBeGreaterThanOrEqual(7);
    expect(core.elapsed()).toBeLessThan(1000);
  });

  it('without a baseline-tier jump, runs to its budget and keeps the default (rates there mean nothing)', () => {
    const core = fakeCore((k) => [0.002, 0.003, 0.0025][k]);
    const { best, gflops } = core.probe(30);
    expect(best).toBe('4x8');
    expect(gflops['6x8']).toBeCloseTo(1e6 / 0.002 / 1e6, 6);
    expect(core.elapsed()).toBeGreaterThanOrEqual(30);
    expect(core.elapsed()).toBeLessThan(33);
  });

  it('when only some shapes leave the baseline tier in time, keeps the default', () => {
    // 6×8 is optimised from its 2nd call, the others never: its optimised rate beats their baseline ones, which
    // says nothing about which shape is faster once all are optimised.
    const core = fakeCore((k, n) => (k === 0 && n > 1 ? 0.001 : 0.004));
    const { best, gflops } = core.probe(30);
    expect(gflops['6x8']).toBeGreaterThan(3 * gflops['4x8']!);
    expect(best).toBe('4x8');
  });

  it('once every shape has left the baseline tier, picks the fastest even if it is not the default', () => {
    // Every shape is optimised from its 5th call (an untimed first call, then three baseline-tier samples); 2×16
    // is fastest.
    const core = fakeCore((k, n) => (n > 4 ? (k === 2 ? 0.001 : 0.0015) : 0.004));
    expect(core.probe(100).best).toBe('2x16');
  });

  it("is not fooled by a first call that compiles the kernel, nor by passes the page's thread was paused in", () => {
    // As in Chromium: the first call of each kernel compiles it (70× slower), every 4th sample is slowed 30×, and
    // no shape leaves the baseline tier within the budget, where 6×8 happens to be fastest. Taken as a jump, the
    // slow samples made a page pick 6×8 on baseline-tier rates.
    const core = fakeCore((k, n) => [0.0018, 0.0022, 0.0021][k] * (n === 1 ? 70 : n % 4 === 3 ? 30 : 1));
    expect(core.probe(150).best).toBe('4x8');
  });

  it('stops at its time budget', () => {
    // Never settles: every call runs its rounds 5% faster than the one before.
    let n = 0;
    const core = fakeCore(() => 0.02 * 0.95 ** n++);
    core.probe(20);
    expect(core.elapsed()).toBeLessThan(25);
  });

  it("measures the clock's step", () => {
    let reads = 0;
    // A 0.1 ms clock (a page that is not cross-origin isolated, in Chromium) read ~1000 times per step.
    expect(clockStep(() => Math.floor(reads++ / 1000) * 0.1)).toBeCloseTo(0.1, 9);
    let fine = 0;
    expect(clockStep(() => (fine += 0.0005))).toBeCloseTo(0.0005, 9);
    expect(clockStep(() => 7)).toBe(0); // a clock that never moves ends the wait
  });

  it('with a 0.1 ms clock, times only samples long enough to mean something and still finds the fastest', () => {
    // The page sees time rounded down to 0.1 ms; every shape is 10× slower for its first 8 calls (the baseline
    // tier). Samples under a few steps read 0 or 0.1 ms: taken as rates, they were 10^8–10^9 GFLOP/s and decided
    // the shape at random.
    for (const [fastest, perRound] of [
      ['4x8', [0.002, 0.001, 0.0015]],
      ['2x16', [0.002, 0.0015, 0.001]],
    ] as const) {
      const { best, gflops } = fakeCore((k, n) => perRound[k] * (n <= 8 ? 10 : 1), 0.1).probe(1000);
      expect(best).toBe(fastest);
      for (const name of GEMM_KERNEL_NAMES) {
        const truth = 1e6 / perRound[GEMM_KERNELS[name]] / 1e6;
        expect(gflops[name]! / truth, name).toBeGreaterThan(0.9);
        expect(gflops[name]! / truth, name).toBeLessThan(1.1);
      }
    }
  });

  it("treats rates within the coarse clock's error as a tie, which goes to the default", () => {
    const sixByEightFaster = (k: number, n: number) => [0.00092, 0.001, 0.0011][k] * (n <= 8 ? 10 : 1); // by 8%
    expect(fakeCore(sixByEightFaster, 0.1).probe(1000).best).toBe('4x8');
    // With a fine clock the same 8% decides.
    expect(fakeCore(sixByEightFaster).probe(1000).best).toBe('6x8');
  });

  it('rejects an unknown shape by name', async () => {
    await expect(initWasm({ gemmKernel: '3x3' as never })).rejects.toThrow(
      /gemmKernel must be 'auto' or one of '6x8', '4x8', '2x16', got 3x3/,
    );
  });
});
