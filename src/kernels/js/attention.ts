/**
 * Pure-TypeScript causal multi-head attention with the same contract as crate/src/ops/attention.rs: the
 * forward keeps only each row's log-sum-exp (lse), the backward recomputes the probabilities from it.
 * Loops per (b, t, h) over contiguous head slices; one scratch row of T floats, grown once.
 */
import type { JsKernels } from '../types.js';
import { dropoutUniform } from '../types.js';

let scratch = new Float64Array(0);
function row(T: number): Float64Array {
  if (scratch.length < 2 * T) scratch = new Float64Array(2 * T);
  return scratch;
}

export function jsAttentionOps(): Pick<JsKernels, 'attentionForward' | 'attentionBackward'> {
  return {
    attentionForward(out, lse, qkv, B, T, C, NH, dropout, seed) {
      const hs = C / NH;
      const scale = 1 / Math.sqrt(hs);
      const invKeep = 1 / (1 - dropout);
      const p = row(T);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          for (let h = 0; h < NH; h++) {
            const qOff = (b * T + t) * 3 * C + h * hs;
            let m = -Infinity;
            for (let j = 0; j <= t; j++) {
              const kOff = (b * T + j) * 3 * C + C + h * hs;
              let s = 0;
              for (let d = 0; d < hs; d++) s += qkv[qOff + d] * qkv[kOff + d];
              p[j] = s * scale;
              if (p[j] > m) m = p[j];
            }
            let sum = 0;
            for (let j = 0; j <= t; j++) {
              p[j] = Math.exp(p[j] - m);
              sum += p[j];
            }
            lse[(b * NH + h) * T + t] = m + Math.log(sum);
            const oOff = (b * T + t) * C + h * hs;
            out.fill(0, oOff, oOff + hs);
            const rowCounter = ((b * NH + h) * T + t) * T;
            for (let j = 0; j <= t; j++) {
              let pj = p[j] / sum;
              if (dropout > 0) pj *= dropoutUniform(seed, rowCounter + j) >= dropout ? invKeep : 0;
              const vOff = (b * T + j) * 3 * C + 2 * C + h * hs;
              for (let d = 0; d < hs; d++) out[oOff + d] += pj * qkv[vOff + d];
            }
          }
        }
      }
    },

    attentionBackward(dqkv, dout, qkv, out, lse, B, T, C, NH, dropout, seed) {
      const hs = C / NH;
      const scale = 1 / Math.sqrt(hs);
      const invKeep = 1 / (1 - dropout);
      const buf = row(T);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          for (let h = 0; h < NH; h++) {
            const qOff = (b * T + t) * 3 * C + h * hs;
            const oOff = (b * T + t) * C + h * hs;
            const l = lse[(b * NH + h) * T + t];
            let delta = 0; // D = dO·O
            for (let d = 0; d < hs; d++) delta += dout[oOff + d] * out[oOff + d];
            const rowCounter = ((b * NH + h) * T + t) * T;
            for (let j = 0; j <= t; j++) {
              const kOff = (b * T + j) * 3 * C + C + h * hs;
              const vOff = kOff + C;
              let s = 0;
              for (let d = 0; d < hs; d++) s += qkv[qOff + d] * qkv[kOff + d];
              const p = Math.exp(s * scale - l);
              const mask = dropout > 0 ? (dropoutUniform(seed, rowCounter + j) >= dropout ? invKeep : 0) : 1;
              let dp = 0;
              for (let d = 0; d < hs; d++) {
                dp += dout[oOff + d] * qkv[vOff + d];
                dqkv[vOff + d] += p * mask * dout[oOff + d];
              }
              buf[j] = p * (dp * mask - delta) * scale;
            }
            for (let j = 0; j <= t; j++) {
              const kOff = (b * T + j) * 3 * C + C + h * hs;
              const ds = buf[j];
              for (let d = 0; d < hs; d++) {
                dqkv[qOff + d] += ds * qkv[kOff + d];
                dqkv[kOff + d] += ds * qkv[qOff + d];
              }
            }
          }
        }
      }
    },
  };
}
