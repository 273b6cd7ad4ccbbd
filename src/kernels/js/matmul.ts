/**
 * Pure-TypeScript linear layer on the unchecked JS GEMM (same semantics as crate/src/ops/matmul.rs):
 *   out (N,OC) = inp (N,C) · weight (OC,C)ᵀ + bias      dinp += dout·weight
 *   dweight (OC,C) += doutᵀ·inp                          dbias += Σ_n dout (row order, like the Rust reference)
 * doutᵀ is materialised in a grow-only scratch so the GEMM runs untransposed (its transposed-A path would
 * allocate a packing slab on every call).
 */
import { gemmJsUnchecked } from '../../gemm/js.js';
import type { GemmShape } from '../../gemm/args.js';
import type { JsKernels } from '../types.js';

/** A packed row-major product m×k · (k×n, or n×k when transB), α = 1. */
function shape(m: number, n: number, k: number, transB: boolean, beta: number): GemmShape {
  return { transA: false, transB, m, n, k, alpha: 1, beta, lda: Math.max(k, 1), ldb: Math.max(transB ? k : n, 1), ldc: Math.max(n, 1) };
}

export function jsMatmulOps(): Pick<JsKernels, 'matmulForward' | 'matmulBackward'> {
  let doutT = new Float32Array(0); // (OC, N), grows to the largest layer

  return {
    matmulForward(out, inp, weight, bias, N, C, OC) {
      if (N === 0 || OC === 0) return;
      if (bias !== null) {
        const b = bias.subarray(0, OC);
        for (let n = 0; n < N; n++) out.set(b, n * OC);
      }
      gemmJsUnchecked(shape(N, OC, C, true, bias !== null ? 1 : 0), inp, weight, out);
    },

    matmulBackward(dinp, dweight, dbias, dout, inp, weight, N, C, OC) {
      if (N === 0 || OC === 0) return;
      if (C > 0) {
        // dinp (N,C) += dout (N,OC) · weight (OC,C)
        gemmJsUnchecked(shape(N, C, OC, false, 1), dout, weight, dinp);
        // dweight (OC,C) += doutᵀ (OC,N) · inp (N,C)
        if (doutT.length < N * OC) doutT = new Float32Array(N * OC);
        for (let n = 0; n < N; n++) {
          const row = n * OC;
          for (let o = 0; o < OC; o++) doutT[o * N + n] = dout[row + o];
        }
        gemmJsUnchecked(shape(OC, C, N, false, 1), doutT, inp, dweight);
      }
      if (dbias !== null) {
        for (let n = 0; n < N; n++) {
          const row = n * OC;
          for (let o = 0; o < OC; o++) dbias[o] += dout[row + o];
        }
      }
    },
  };
}
