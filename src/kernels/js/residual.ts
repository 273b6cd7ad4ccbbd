/** Residual ops in plain TypeScript (same semantics as crate/src/ops/residual.rs). */
import type { JsKernels } from '../types.js';

export function jsResidualOps(): Pick<JsKernels, 'residualForward' | 'residualBackward'> {
  return {
    // out (N) = inp1 + inp2; out may be inp1 or inp2 (in place).
    residualForward(out, inp1, inp2, N) {
      for (let i = 0; i < N; i++) out[i] = inp1[i] + inp2[i];
    },
    // dinp1 (N) += dout, dinp2 (N) += dout.
    residualBackward(dinp1, dinp2, dout, N) {
      for (let i = 0; i < N; i++) {
        const g = dout[i];
        dinp1[i] += g;
        dinp2[i] += g;
      }
    },
  };
}
