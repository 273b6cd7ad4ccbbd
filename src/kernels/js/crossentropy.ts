import { ShapeError } from '../../errors.js';
/**
 * Pure-TypeScript fused softmax + cross-entropy (same semantics as crate/src/ops/crossentropy.rs), exponentials
 * and sums in float64: lse = max + ln Σ exp(x − max) (rounded to float32 when stored), loss = lse − x[target],
 * mean over counted rows in float64, row order. The backward writes and may run in place: each element is
 * read before it is written.
 */
import type { JsKernels } from '../types.js';

/** Like the wasm exports, refuses a target outside [0, V) that is not ignoreIndex before writing anything. */
function checkTargets(fn: string, targets: Int32Array, N: number, V: number, ignoreIndex: number): void {
  for (let n = 0; n < N; n++) {
    const t = targets[n];
    if (t !== ignoreIndex && !(t >= 0 && t < V)) {
      throw new ShapeError(`${fn}: targets[${n}] = ${t} is outside [0, ${V}) and is not ignoreIndex (${ignoreIndex})`);
    }
  }
}

export function jsCrossEntropyOps(): Pick<JsKernels, 'crossEntropyForward' | 'crossEntropyBackward'> {
  return {
    crossEntropyForward(losses, lse, logits, targets, N, V, ignoreIndex) {
      checkTargets('crossEntropyForward', targets, N, V, ignoreIndex);
      let sum = 0;
      let count = 0;
      for (let n = 0; n < N; n++) {
        const off = n * V;
        let max = -Infinity;
        for (let j = 0; j < V; j++) if (logits[off + j] > max) max = logits[off + j];
        let s = 0;
        for (let j = 0; j < V; j++) s += Math.exp(logits[off + j] - max);
        lse[n] = max + Math.log(s);
        const t = targets[n];
        if (t === ignoreIndex) {
          losses[n] = 0;
        } else {
            losses[n] = lse[n] - logits[off + t];
          sum += losses[n];
          count++;
        }
      }
      return count === 0 ? NaN : sum / count;
    },

    crossEntropyBackward(dlogits, logits, lse, targets, N, V, ignoreIndex, dlossScale) {
      checkTargets('crossEntropyBackward', targets, N, V, ignoreIndex);
      const scale = Math.fround(dlossScale);
      for (let n = 0; n < N; n++) {
        const off = n * V;
        const t = targets[n];
        if (t === ignoreIndex) {
          dlogits.fill(0, off, off + V);
          continue;
        }
        const l = lse[n];
        // forward: loss = lse − x[t]  ⇒  ∂loss/∂x[j] = softmax[j] − [j == t]
        for (let j = 0; j < V; j++) dlogits[off + j] = (Math.exp(logits[off + j] - l) - (j === t ? 1 : 0)) * scale;
      }
    },
  };
}
