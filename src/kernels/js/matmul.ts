/**
 * Pure-TypeScript linear layer on `gemmJs` (same semantics as crate/src/ops/matmul.rs):
 *   out (N,OC) = inp (N,C) · weight (OC,C)ᵀ + bias      dinp += dout·weight
 *   dweight (OC,C) += doutᵀ·inp                          dbias += Σ_n dout (row order, like the Rust reference)
 * doutᵀ is materialised in a grow-only scratch so `gemmJs` runs untransposed (its transposed-A path would
 * allocate a packing slab on every call).
 */
import { gemmJs } from '../../js/gemm.js';
import type { JsKernels } from '../types.js';

export function jsMatmulOps(): Pick<JsKernels, 'matmulForward' | 'matmulBackward'> {
  let doutT = new Float32Array(0); // (OC, N), grows to the largest layer

  return {
    matmulForward(out, inp, weight, bias, N, C, OC) {
      if (N === 0 || OC === 0) return;
      if (bias !== null) {
        const b = bias.subarray(0, OC);
        for (let n = 0; n < N; n++) out.set(b, n * OC);
      }
      gemmJs(inp, weight, out, { m: N, n: OC, k: C, transB: true, beta: bias !== null ? 1 : 0 });
    },

    matmulBackward(dinp, dweight, dbias, dout, inp, weight, N, C, OC) {
      if (N === 0 || OC === 0) return;
      if (C > 0) {
        // dinp (N,C) += dout (N,OC) · weight (OC,C)
        gemmJs(dout, weight, dinp, { m: N, n: C, k: OC, beta: 1 });
        // dweight (OC,C) += doutᵀ (OC,N) · inp (N,C)
        if (doutT.length < N * OC) doutT = new Float32Array(N * OC);
        for (let n = 0; n < N; n++) {
          const row = n * OC;
          for (let o = 0; o < OC; o++) doutT[o * N + n] = dout[row + o];
        }
        gemmJs(doutT, inp, dweight, { m: OC, n: C, k: N, beta: 1 });
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
