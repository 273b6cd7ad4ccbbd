/**
 * The tolerance rules every numeric test uses, in one place. The named ones mirror `Tol` in
 * crate/src/ops/testutil.rs (tests/tolerance.test.ts checks the two files agree):
 *
 * - `TOL.STRICT`: same algorithm, different code path (SIMD vs scalar, blocked vs plain): a few ulps of
 *   float32 accumulated over short sums.
 * - `reductionTol(k, scale)`: k-term sums of terms of magnitude `scale` in different orders: (k + 4)·ε·scale.
 * - `TOL.FINITE_DIFF`: one op's analytic gradient vs central differences (h = 1e-2, unit-scale inputs).
 * - `TOL.MODEL_FINITE_DIFF`: the same through a whole model: the difference quotient crosses every layer,
 *   LayerNorm and the softmax, so truncation error is larger than one op's.
 * - `TOL.BACKENDS`: a whole model's results on two backends (wasm vs pure TypeScript): every reduction runs in
 *   a different order and the differences compound through L layers, LayerNorm and the softmax.
 * - `gemmBound`: a K-term float32 dot product differs from the exact value by at most γ·Σ|aᵢbᵢ| with
 *   γ = (K + 4)·ε (the classic nε/(1-nε) bound, plus slack for α, β and the final rounding). Tests compute the
 *   exact value and Σ|aᵢbᵢ| in float64, so the check is rigorous rather than tuned.
 * - Thread-count independence is checked with exact bit equality, never a tolerance.
 */
import type { GemmOptions } from '../../src/gemm/args.js';

export const F32_EPS = 2 ** -23;

/** |got − want| ≤ abs + rel·|want|. */
export interface Tol {
  abs: number;
  rel: number;
}

export const TOL = {
  STRICT: { abs: 1e-6, rel: 1e-5 },
  FINITE_DIFF: { abs: 1e-3, rel: 1e-2 },
  MODEL_FINITE_DIFF: { abs: 2e-3, rel: 5e-2 },
  BACKENDS: { abs: 1e-4, rel: 1e-2 },
} as const satisfies Record<string, Tol>;

/** k-term sums in different orders, terms of magnitude `scale`. */
export function reductionTol(k: number, scale: number): Tol {
  return { abs: (k + 4) * F32_EPS * scale + 1e-7, rel: 1e-5 };
}

export function withinTol(got: number, want: number, tol: Tol): boolean {
  return Math.abs(got - want) <= tol.abs + tol.rel * Math.abs(want) || (Number.isNaN(got) && Number.isNaN(want));
}

/** Asserts every element is within `tol`; the message names the tensor, the first failures and the worst. */
export function expectClose(label: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: Tol): void {
  if (got.length !== want.length) throw new Error(`${label}: lengths differ (${got.length} vs ${want.length})`);
  const failures: string[] = [];
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    if (withinTol(got[i], want[i], tol)) continue;
    if (failures.length < 5) failures.push(`[${i}] got ${got[i]}, want ${want[i]}`);
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / (tol.abs + tol.rel * Math.abs(want[i])));
  }
  if (failures.length > 0) throw new Error(`${label}: NOT OK, worst ${worst.toFixed(1)}× tolerance\n  ${failures.join('\n  ')}`);
}

/** A product's options, as the public GEMM takes them. */
export type GemmCase = GemmOptions;

/** Float64 product plus the per-element error bound. */
export function gemmReference64(
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array,
  g: GemmCase,
): { want: Float64Array; bound: Float64Array } {
  const { m, n, k, transA = false, transB = false, alpha = 1, beta = 0 } = g;
  const lda = g.lda ?? Math.max(transA ? m : k, 1);
  const ldb = g.ldb ?? Math.max(transB ? k : n, 1);
  const ldc = g.ldc ?? Math.max(n, 1);
  const want = new Float64Array(c0.length);
  const bound = new Float64Array(c0.length);
  for (let i = 0; i < c0.length; i++) want[i] = c0[i];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let exact = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? a[p * lda + i] : a[i * lda + p];
        const y = transB ? b[j * ldb + p] : b[p * ldb + j];
        exact += x * y;
        mag += Math.abs(x * y);
      }
      const betaTerm = beta === 0 ? 0 : beta * c0[i * ldc + j];
      want[i * ldc + j] = alpha * exact + betaTerm;
      bound[i * ldc + j] = (k + 4) * F32_EPS * (Math.abs(alpha) * mag + Math.abs(betaTerm)) + 1e-30;
    }
  }
  return { want, bound };
}

/** Asserts `got` is within the bound everywhere; the message shows the first failures and the worst ratio. */
export function expectWithinBound(got: Float32Array, want: Float64Array, bound: Float64Array, label: string): void {
  const failures: string[] = [];
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    const ratio = err === 0 ? 0 : err / bound[i];
    if (!(err <= bound[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) {
      if (failures.length < 5) failures.push(`[${i}] got ${got[i]}, want ${want[i]}, bound ${bound[i].toExponential(2)}`);
    }
    if (ratio > worst) worst = ratio;
  }
  if (failures.length > 0) {
    throw new Error(`${label}: outside the error bound (worst ${worst.toFixed(2)}× bound)\n  ${failures.join('\n  ')}`);
  }
}

/** Deterministic values in [-1, 1). */
export function seeded(seed: number, length: number): Float32Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

export function bitsEqual(x: Float32Array, y: Float32Array): boolean {
  if (x.length !== y.length) return false;
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
