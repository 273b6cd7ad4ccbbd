/**
 * Element-wise comparison and finite differences for the kernel conformance tests; the same rules as
 * crate/src/ops/testutil.rs:
 * - `{ abs, rel }`: |got − want| ≤ abs + rel·|want| (want in float64), with `reductionTol(k, scale)` for k-term
 *   sums in different orders, (k + 4)·ε·scale, the bound tolerance.ts uses for GEMM.
 * - `gradCheck`: central differences, h = 1e-2, pass when |fd − analytic| ≤ 1e-3 + 1e-2·max(|fd|, |analytic|).
 */
import { F32_EPS } from './tolerance.js';

export interface Tol {
  abs: number;
  rel: number;
}

export const STRICT: Tol = { abs: 1e-6, rel: 1e-5 };

export function reductionTol(k: number, scale: number): Tol {
  return { abs: (k + 4) * F32_EPS * scale + 1e-7, rel: 1e-5 };
}

/** Throws, naming the first failures and the worst ratio, when `got` is not within `tol` of `want`. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tol, label: string): void {
  if (got.length !== want.length) throw new Error(`${label}: length ${got.length}, want ${want.length}`);
  const failures: string[] = [];
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    const lim = tol.abs + tol.rel * Math.abs(want[i]);
    if (!(err <= lim) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) {
      if (failures.length < 5) failures.push(`[${i}] got ${got[i]}, want ${want[i]}`);
      worst = Math.max(worst, err / lim);
    }
  }
  if (failures.length > 0) {
    throw new Error(`${label}: NOT OK (worst ${worst.toFixed(1)}× tolerance)\n  ${failures.join('\n  ')}`);
  }
}

/** Σ w·out in float64: the loss whose gradient with respect to `out` is `w`. */
export function dot64(w: ArrayLike<number>, out: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * out[i];
  return s;
}

/**
 * Finite-difference check of d(loss)/dx: perturbs each x[i] (or those in `at`) by ±h, re-evaluates `loss()`
 * (which must run the forward reading `x`), and compares with `analytic[i]`.
 */
export function gradCheck(label: string, x: Float32Array, analytic: ArrayLike<number>, loss: () => number, at?: number[]): void {
  const h = 1e-2;
  const failures: string[] = [];
  for (const i of at ?? Array.from(x.keys())) {
    const orig = x[i];
    x[i] = orig + h;
    const up = loss();
    x[i] = orig - h;
    const down = loss();
    x[i] = orig;
    const fd = (up - down) / (Math.fround(orig + h) - Math.fround(orig - h));
    const an = analytic[i];
    if (!(Math.abs(fd - an) <= 1e-3 + 1e-2 * Math.max(Math.abs(fd), Math.abs(an))) && failures.length < 5) {
      failures.push(`[${i}] finite difference ${fd}, analytic ${an}`);
    }
  }
  if (failures.length > 0) throw new Error(`${label}: gradient check NOT OK\n  ${failures.join('\n  ')}`);
}
