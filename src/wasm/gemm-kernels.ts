/**
 * Which register-tile shape the core's SGEMM runs, picked once per load by timing each shape for a few
 * milliseconds (crate/src/gemm/select.rs explains why the fastest shape depends on the engine). The choice
 * changes speed only: every shape gives bitwise identical products.
 */
import type { CoreExports } from './exports.js';

/** Tile shapes (rows × columns) and their ids in the core. Must match `Kernel` in crate/src/gemm/select.rs. */
export const GEMM_KERNELS = { '6x8': 0, '4x8': 1, '2x16': 2 } as const;

export type GemmKernelName = keyof typeof GEMM_KERNELS;

export const GEMM_KERNEL_NAMES = Object.keys(GEMM_KERNELS) as GemmKernelName[];

export function isGemmKernelName(x: unknown): x is GemmKernelName {
  return typeof x === 'string' && Object.hasOwn(GEMM_KERNELS, x);
}

/** Single-thread GFLOP/s of each shape on a cache-resident tile, as measured by {@link probeGemmKernels}. */
export type GemmKernelProbe = Partial<Record<GemmKernelName, number>>;

const PREFERENCE: GemmKernelName[] = ['4x8', '2x16', '6x8'];

type ProbeExports = Pick<CoreExports, 'wgpt_gemm_kernel_probe' | 'wgpt_gemm_kernel_probe_flops'>;

export interface ProbeOptions {
  /** Stop after this long even if the timings have not settled (default 150 ms). */
  budgetMs?: number;
  /** Clock (tests inject one). */
  now?: () => number;
  /** The clock's step in ms; measured from `now` when absent (tests inject one). */
  clockStepMs?: number;
}

/**
 * The clock's step: the median gap between consecutive distinct readings over five steps. Pages that are not
 * cross-origin isolated get a coarsened `performance.now()` (0.1 ms in Chromium, 1 ms in some browsers; 5 µs
 * when isolated, ~µs in Node), and a sample shorter than a few steps times nothing: in Chromium such samples read 0
 * or one step, the probe took them as rates of 10^8–10^9 GFLOP/s and picked a shape at random (6×8 in one page,
 * half the speed of 4×8 on x64). The median, as a page's thread can be paused between two readings (the largest
 * of three gaps read 0.1–1.6 ms for Chromium's 0.1 ms clock).
 */
export function clockStep(now: () => number): number {
  const gaps: number[] = [];
  let last = now();
  // Bounded, so a clock that never moves (a test's fake) ends the wait: a million readings are ~20–50 ms.
  for (let i = 0; gaps.length < 5 && i < 1_000_000; i++) {
    const t = now();
    if (t !== last) {
      gaps.push(t - last);
      last = t;
    }
  }
  return gaps.length === 0 ? 0 : gaps.sort((x, y) => x - y)[gaps.length >> 1];
}

/**
 * Times every shape in interleaved passes and returns the fastest with each shape's best rate.
 *
 * Engines first run wasm in a baseline compiler, where every shape spills and they all look alike, and swap in
 * optimised code a few to a few tens of ms later (the switch is 2–4× faster). So passes continue until that
 * jump has been seen for every shape and then no shape's best time has improved for three passes (40–80 ms
 * after instantiation in Node on a 2-core Zen 5), or until the budget runs out. Then the default stands, 4×8,
 * the shape that does not spill on any engine we know of: comparing an optimised shape with one still in the
 * baseline tier says nothing (seen: 6×8 optimised first, "won" at 26 GFLOP/s against 4×8's baseline 11, and
 * the products then ran at half the speed 4×8 gives). Best-of-passes, not the mean: interference from other
 * processes only ever slows a pass.
 */
export function probeGemmKernels(exports: ProbeExports, options: ProbeOptions = {}): { best: GemmKernelName; gflops: GemmKernelProbe } {
  const { budgetMs = 150, now = () => performance.now() } = options;
  const step = options.clockStepMs ?? clockStep(now);
  // A sample means something once it spans 20 clock steps (±1 step at each end: ±10%); samples grow to ~0.25 ms
  // once optimised where the clock is fine (Node, isolated pages: a pass of all shapes stays under a
  // millisecond), to 2 ms with a 0.1 ms clock; with a 1 ms clock the budget runs out first and the default stands.
  const minSampleMs = 20 * step;
  const targetSampleMs = Math.max(0.25, minSampleMs);
  // Rates closer than this are a tie, which goes to the shape listed first in PREFERENCE.
  const tie = 1.03 + (2 * step) / targetSampleMs;
  const bestMs = new Map<GemmKernelName, number>();
  const rounds = new Map<GemmKernelName, number>();
  for (const name of GEMM_KERNEL_NAMES) rounds.set(name, 16);
  // Each shape's per-round times in the first passes: the baseline tier its jump is measured against. Their
  // median, as a pass can be slowed 10–100× (seen in Chromium: the page's thread paused every few samples).
  const early = new Map<GemmKernelName, number[]>();
  const EARLY_SAMPLES = 5;
  const start = now();
  let calm = 0;
  let sink = 0;
  // One untimed call each first: Chromium compiles a wasm function at its first call, which made that sample
  // 10–70× slower than the baseline tier and, as one of the early samples, faked a jump (a page picked 6×8 from
  // baseline-tier rates, 12–13 GFLOP/s for all three shapes).
  for (const name of GEMM_KERNEL_NAMES) sink += exports.wgpt_gemm_kernel_probe(GEMM_KERNELS[name], 1);
  const jumped = (name: GemmKernelName) => {
    const first = early.get(name) ?? [];
    return first.length === EARLY_SAMPLES && bestMs.get(name)! * 2 <= [...first].sort((x, y) => x - y)[EARLY_SAMPLES >> 1];
  };
  for (let pass = 0; !(calm >= 3 && GEMM_KERNEL_NAMES.every(jumped)) && now() - start < budgetMs; pass++) {
    let improved = false;
    for (const name of GEMM_KERNEL_NAMES) {
      const r = rounds.get(name)!;
      const t0 = now();
      sink += exports.wgpt_gemm_kernel_probe(GEMM_KERNELS[name], r);
      const ms = Math.max(now() - t0, 1e-9);
      // Grow the sample until it is long enough to time; per-round time is what is compared.
      if (ms < targetSampleMs && r < 1 << 20) rounds.set(name, r * 2);
      if (ms < minSampleMs) {
        improved = true; // too short to be evidence of anything
        continue;
      }
      const perRound = ms / r;
      const first = early.get(name) ?? [];
      if (first.length < EARLY_SAMPLES) early.set(name, [...first, perRound]);
      const prev = bestMs.get(name);
      if (prev === undefined || perRound < prev * 0.98) improved = true;
      if (prev === undefined || perRound < prev) bestMs.set(name, perRound);
    }
    calm = improved ? 0 : calm + 1;
  }
  if (!Number.isFinite(sink)) throw new Error('GEMM kernel probe produced a non-finite value');
  const gflops: GemmKernelProbe = {};
  for (const name of GEMM_KERNEL_NAMES) {
    const ms = bestMs.get(name);
    if (ms !== undefined) gflops[name] = exports.wgpt_gemm_kernel_probe_flops(GEMM_KERNELS[name]) / ms / 1e6;
  }
  // Shapes are compared only once all were seen leaving the baseline tier (see above); otherwise (budget spent
  // on a busy machine, or code optimised from the start) the default stands. Near-ties go to the shape listed
  // first in PREFERENCE: within 3% (more with a coarse clock) the probe cannot tell them apart, and in whole
  // products 4×8 edges out 2×16.
  let best = PREFERENCE[0];
  if (GEMM_KERNEL_NAMES.every(jumped)) for (const name of PREFERENCE) if (gflops[name]! > gflops[best]! * tie) best = name;
  return { best, gflops };
}
