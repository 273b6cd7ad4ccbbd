/** Embedding ops in plain TypeScript; same semantics as crate/src/ops/encoder.rs. */
import type { JsKernels } from '../types.js';

export function jsEncoderOps(): Pick<JsKernels, 'positionalSinusoidal' | 'encoderForward' | 'encoderBackward'> {
  return {
    // out (T,C): sin on even channels, cos on odd, angle pos / 10000^(2i/C), i = channel/2 (float64, rounded once).
    positionalSinusoidal(out, T, C) {
      for (let ch = 0; ch < C; ch += 2) {
        const den = Math.pow(10000, (2 * (ch >> 1)) / C);
        for (let pos = 0; pos < T; pos++) {
          const angle = pos / den;
          out[pos * C + ch] = Math.sin(angle);
          if (ch + 1 < C) out[pos * C + ch + 1] = Math.cos(angle);
        }
      }
    },
    // out (B,T,C) = wte (V,C)[tokens (B,T)] + wpe (≥T,C)[t].
    encoderForward(out, tokens, wte, wpe, B, T, C) {
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          const o = (b * T + t) * C;
          const e = tokens[b * T + t] * C;
          const p = t * C;
          for (let i = 0; i < C; i++) out[o + i] = wte[e + i] + wpe[p + i];
        }
      }
    },
    // dwte (V,C) += dout rows scattered by token; dwpe (≥T,C) += Σ_b dout (skipped when null).
    encoderBackward(dwte, dwpe, dout, tokens, B, T, C) {
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          const o = (b * T + t) * C;
          const e = tokens[b * T + t] * C;
          for (let i = 0; i < C; i++) dwte[e + i] += dout[o + i];
          if (dwpe !== null) {
            const p = t * C;
            for (let i = 0; i < C; i++) dwpe[p + i] += dout[o + i];
          }
        }
      }
    },
  };
}
