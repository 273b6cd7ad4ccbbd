/**
 * Layer normalisation in plain TypeScript; same definition as crate/src/ops/layernorm.rs (biased variance,
 * rstd = 1/√(var + eps), llm.c's backward). Row statistics are computed in float64; the parameter gradients
 * are summed over rows in a grow-only float64 scratch and added to dweight/dbias once per call.
 */
import type { JsKernels } from '../types.js';

let scratch = new Float64Array(0);

function scratchFor(length: number): Float64Array {
  if (scratch.length < length) scratch = new Float64Array(length);
  return scratch;
}

export function jsLayernormOps(): Pick<JsKernels, 'layernormForward' | 'layernormBackward'> {
  return {
    // out (N,C) = (inp − mean)·rstd·weight + bias; caches mean (N), rstd (N).
    layernormForward(out, mean, rstd, inp, weight, bias, N, C, eps) {
      for (let r = 0; r < N; r++) {
        const o = r * C;
        let m = 0;
        for (let i = 0; i < C; i++) m += inp[o + i];
        m /= C;
        let v = 0;
        for (let i = 0; i < C; i++) {
          const d = inp[o + i] - m;
          v += d * d;
        }
        const s = 1 / Math.sqrt(v / C + eps);
        for (let i = 0; i < C; i++) out[o + i] = (inp[o + i] - m) * s * weight[i] + bias[i];
        mean[r] = m;
        rstd[r] = s;
      }
    },
    // dinp (N,C) += (dnorm − mean(dnorm) − norm·mean(dnorm·norm))·rstd, dnorm = weight·dout;
    // dweight (C) += Σ_rows norm·dout; dbias (C) += Σ_rows dout.
    layernormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C) {
      const acc = scratchFor(2 * C);
      acc.fill(0, 0, 2 * C);
      for (let r = 0; r < N; r++) {
        const o = r * C;
        const m = mean[r];
        const s = rstd[r];
        let dnormMean = 0;
        let dnormNormMean = 0;
        for (let i = 0; i < C; i++) {
          const g = dout[o + i];
          const norm = (inp[o + i] - m) * s;
          const dnorm = weight[i] * g;
          dnormMean += dnorm;
          dnormNormMean += dnorm * norm;
          acc[i] += norm * g;
          acc[C + i] += g;
        }
        dnormMean /= C;
        dnormNormMean /= C;
        for (let i = 0; i < C; i++) {
          const norm = (inp[o + i] - m) * s;
          dinp[o + i] += (weight[i] * dout[o + i] - dnormMean - norm * dnormNormMean) * s;
        }
      }
      for (let i = 0; i < C; i++) {
        dweight[i] += acc[i];
        dbias[i] += acc[C + i];
      }
    },
  };
}
