/**
 * GELU (tanh approximation, GPT-2's gelu_new) and ReLU in plain TypeScript; same formulas as
 * crate/src/ops/activation.rs, evaluated in float64 and rounded on store.
 */
import type { JsKernels } from '../types.js';

const GELU_S = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

export function jsActivationOps(): Pick<JsKernels, 'geluForward' | 'geluBackward' | 'reluForward' | 'reluBackward'> {
  return {
    // out (N) = 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³); out may be inp.
    // Evaluated as x·σ(2u) = x / (1 + e^{−2u}) (0.5·(1 + tanh u) = σ(2u)): Math.exp is ~1.5× faster than
    // Math.tanh in V8, and the form saturates cleanly (e^{−2u} = ∞ gives −0, = 0 gives x).
    geluForward(out, inp, N) {
      for (let i = 0; i < N; i++) {
        const x = inp[i];
        out[i] = x / (1 + Math.exp(-2 * GELU_S * (x + GELU_K * x * x * x)));
      }
    },
    // dinp (N) += (0.5·(1 + t) + 0.5·x·(1 − t²)·u') · dout, t = tanh u, u' = √(2/π)·(1 + 3·0.044715·x²);
    // with s = σ(2u) = 0.5·(1 + t): 1 − t² = 4·s·(1 − s), so the factor is s + 2·x·s·(1 − s)·u'.
    geluBackward(dinp, inp, dout, N) {
      for (let i = 0; i < N; i++) {
        const x = inp[i];
        const x2 = x * x;
        const s = 1 / (1 + Math.exp(-2 * GELU_S * (x + GELU_K * x2 * x)));
        const grad = s + 2 * x * s * (1 - s) * GELU_S * (1 + 3 * GELU_K * x2);
        dinp[i] += grad * dout[i];
      }
    },
    // out (N) = x < 0 ? 0 : x (NaN passes through).
    reluForward(out, inp, N) {
      for (let i = 0; i < N; i++) {
        const x = inp[i];
        out[i] = x < 0 ? 0 : x;
      }
    },
    // dinp (N) += inp > 0 ? dout : 0.
    reluBackward(dinp, inp, dout, N) {
      for (let i = 0; i < N; i++) dinp[i] += inp[i] > 0 ? dout[i] : 0;
    },
  };
}
