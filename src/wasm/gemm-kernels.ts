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
  // ~0.25 ms per sample once optimised: long against timer granularity in Node and isolated pages
  // (≤ 0.1 ms), short enough that a pass of all shapes stays under a millisecond.
  const targetSampleMs = 0.25;
  const bestMs = new Map<GemmKernelName, number>();
  const rounds = new Map<GemmKernelName, number>();
  for (const name of GEMM_KERNEL_NAMES) rounds.set(name, 16);
  // Each shape's per-round times in the first passes: the baseline tier its jump is measured against.
  const early = new Map<GemmKernelName, number[]>();
  const start = now();
  let calm = 0;
  let sink = 0;
  const jumped = (name: GemmKernelName) => {
    const first = early.get(name)!;
    return first.length === 3 && bestMs.get(name)! * 2 <= [...first].sort((x, y) => x - y)[1];
  };
  for (let pass = 0; !(calm >= 3 && GEMM_KERNEL_NAMES.every(jumped)) && now() - start < budgetMs; pass++) {
    let improved = false;
    for (const name of GEMM_KERNEL_NAMES) {
      const r = rounds.get(name)!;
      const t0 = now();
      sink += exports.wgpt_gemm_kernel_probe(GEMM_KERNELS[name], r);
      const ms = Math.max(now() - t0, 1e-9);
      // Grow the sample until it is long enough to time; per-round time is what is compared.
      if (ms < targetSampleMs && r < 1 << 16) rounds.set(name, r * 2);
      const perRound = ms / r;
      const first = early.get(name) ?? [];
      if (first.length < 3) early.set(name, [...first, perRound]);
      const prev = bestMs.get(name);
      if (prev === undefined || perRound < prev * 0.98) improved = true;
      if (prev === undefined || perRound < prev) bestMs.set(name, perRound);
    }
    calm = improved ? 0 : calm + 1;
  }
  if (!Number.isFinite(sink)) throw new Error('GEMM kernel probe produced a non-finite value');
  const gflops: GemmKernelProbe = {};
  for (const name of GEMM_KERNEL_NAMES) {
    gflops[name] = exports.wgpt_gemm_kernel_probe_flops(GEMM_KERNELS[name]) / bestMs.get(name)! / 1e6;
  }
  // Shapes are compared only once all were seen leaving the baseline tier (see above); otherwise (budget spent
  // on a busy machine, or code optimised from the start) the default stands. Near-ties go to the shape listed
  // first in PREFERENCE: within 3% the probe cannot tell them apart, and in whole products 4×8 edges out 2×16.
  let best = PREFERENCE[0];
  if (GEMM_KERNEL_NAMES.every(jumped)) for (const name of PREFERENCE) if (gflops[name]! > gflops[best]! * 1.03) best = name;
  return { best, gflops };
}
