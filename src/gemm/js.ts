/**
 * Pure-TypeScript GEMM: the baseline for benchmarks and the kernel of the JS fallback backend (browsers
 * without SIMD/threads). The public wrappers (`gemmJs`, `matmulJs`) check their arguments exactly as the wasm
 * `gemm`/`matmul` do, once; the kernels call `gemmJsUnchecked`, which validates nothing.
 *
 * `matmulJsNaive` (exported by wasm-gpt/testing only) is the textbook triple loop. The tuned one: the innermost loop always walks
 * contiguous memory (i-p-j order, accumulating a row of C, for B untransposed; row-by-row dot products for B
 * transposed), K is blocked so a slab of B stays in cache, and a transposed A is read through a packed copy
 * of one KC×M slab at a time.
 */
import { checkOperand, operandShapes, resolveGemm, type GemmOptions, type GemmShape, type MatmulOptions } from './args.js';

const KC = 128;

/** Tuned pure-TS `C ← α·op(A)·op(B) + β·C` on plain arrays with optional strides. */
export function gemmJs(a: Float32Array, b: Float32Array, c: Float32Array, options: GemmOptions): void {
  const g = resolveGemm('gemmJs', options, false);
  const s = operandShapes(g);
  checkOperand('gemmJs', 'a', a, g.aExtent, s.a, false);
  checkOperand('gemmJs', 'b', b, g.bExtent, s.b, false);
  checkOperand('gemmJs', 'c', c, g.cExtent, s.c, false);
  gemmJsUnchecked(g, a, b, c);
}

/** Tuned pure-TS `op(A)·op(B)` for packed arrays; writes into `out` when given. */
export function matmulJs(a: Float32Array, b: Float32Array, options: MatmulOptions, out?: Float32Array): Float32Array {
  const { g, c } = prepare('matmulJs', a, b, options, out);
  gemmJsUnchecked(g, a, b, c);
  return c;
}

/** Textbook triple loop, for comparison only (wasm-gpt/testing). */
export function matmulJsNaive(a: Float32Array, b: Float32Array, options: MatmulOptions, out?: Float32Array): Float32Array {
  const { g, c } = prepare('matmulJsNaive', a, b, options, out);
  const { m, n, k, lda, ldb, ldc, transA, transB, alpha, beta } = g;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) {
        acc += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
      }
      c[i * ldc + j] = beta === 0 ? alpha * acc : alpha * acc + beta * c[i * ldc + j];
    }
  }
  return c;
}

function prepare(fn: string, a: Float32Array, b: Float32Array, options: MatmulOptions, out?: Float32Array) {
  const g = resolveGemm(fn, options, true);
  const s = operandShapes(g);
  checkOperand(fn, 'a', a, g.m * g.k, s.a, true);
  checkOperand(fn, 'b', b, g.k * g.n, s.b, true);
  if (out !== undefined) checkOperand(fn, 'out', out, g.m * g.n, s.c, true);
  return { g, c: out ?? new Float32Array(g.m * g.n) };
}

/**
 * The tuned loops, for callers that have already checked `g` against the operands (the JS kernels, whose
 * shapes the model checked once). Nothing is validated here.
 */
export function gemmJsUnchecked(g: GemmShape, a: Float32Array, b: Float32Array, c: Float32Array): void {
  const { m, n, k, lda, ldb, ldc, transA, transB, alpha, beta } = g;
  // C ← β·C first; the blocked loops below then only accumulate.
  for (let i = 0; i < m; i++) {
    const row = i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) c[row + j] *= beta;
  }
  if (k === 0 || alpha === 0) return;

  if (transB) {
    // C[i, j] += α·dot(op(A)[i, :], B[j, :]): both operands contiguous when A is not transposed.
    const aRow = transA ? new Float32Array(k) : a;
    for (let i = 0; i < m; i++) {
      let aOff = i * lda;
      if (transA) {
        for (let p = 0; p < k; p++) aRow[p] = a[p * lda + i];
        aOff = 0;
      }
      for (let j = 0; j < n; j++) {
        const bOff = j * ldb;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let p = 0;
        for (; p + 4 <= k; p += 4) {
          s0 += aRow[aOff + p] * b[bOff + p];
          s1 += aRow[aOff + p + 1] * b[bOff + p + 1];
          s2 += aRow[aOff + p + 2] * b[bOff + p + 2];
          s3 += aRow[aOff + p + 3] * b[bOff + p + 3];
        }
        for (; p < k; p++) s0 += aRow[aOff + p] * b[bOff + p];
        c[i * ldc + j] += alpha * (s0 + s1 + s2 + s3);
      }
    }
    return;
  }

  // B untransposed: i-p-j order so the inner loop streams a row of B into a row of C.
  const slab = transA ? new Float32Array(KC * m) : undefined;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    if (slab) {
      // op(A)[i, p0 + p] = A[p0 + p, i]: pack this slab as slab[i*kc + p] so rows are contiguous.
      for (let p = 0; p < kc; p++) {
        const src = (p0 + p) * lda;
        for (let i = 0; i < m; i++) slab[i * kc + p] = a[src + i];
      }
    }
    for (let i = 0; i < m; i++) {
      const cRow = i * ldc;
      for (let p = 0; p < kc; p++) {
        const aip = alpha * (slab ? slab[i * kc + p] : a[i * lda + p0 + p]);
        const bRow = (p0 + p) * ldb;
        let j = 0;
        for (; j + 4 <= n; j += 4) {
          c[cRow + j] += aip * b[bRow + j];
          c[cRow + j + 1] += aip * b[bRow + j + 1];
          c[cRow + j + 2] += aip * b[bRow + j + 2];
          c[cRow + j + 3] += aip * b[bRow + j + 3];
        }
        for (; j < n; j++) c[cRow + j] += aip * b[bRow + j];
      }
    }
  }
}
