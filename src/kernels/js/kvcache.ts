/**
 * Pure-TypeScript twin of crate/src/ops/kvcache.rs: attention of new rows over a KV cache (B,2,maxT,C) per
 * layer, and the reordering of cache rows for beam search. Scores in float64, one scratch row grown once.
 */
import type { JsKernels } from '../index.js';

let scratch = new Float64Array(0);
function row(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch;
}

export function jsKvCacheOps(): Pick<JsKernels, 'kvAttentionForward' | 'kvReorder'> {
  return {
    kvAttentionForward(out, kv, qkv, B, Tq, pos, maxT, C, NH) {
      const hs = C / NH;
      const scale = 1 / Math.sqrt(hs);
      const keysOf = (b: number) => b * 2 * maxT * C;
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < Tq; t++) {
          const src = (b * Tq + t) * 3 * C;
          kv.set(qkv.subarray(src + C, src + 2 * C), keysOf(b) + (pos + t) * C);
          kv.set(qkv.subarray(src + 2 * C, src + 3 * C), keysOf(b) + (maxT + pos + t) * C);
        }
      }
      const p = row(pos + Tq);
      for (let b = 0; b < B; b++) {
        const keys = keysOf(b);
        const values = keys + maxT * C;
        for (let t = 0; t < Tq; t++) {
          const n = pos + t + 1;
          for (let h = 0; h < NH; h++) {
            const qOff = (b * Tq + t) * 3 * C + h * hs;
            let m = -Infinity;
            for (let j = 0; j < n; j++) {
              const kOff = keys + j * C + h * hs;
              let s = 0;
              for (let d = 0; d < hs; d++) s += qkv[qOff + d] * kv[kOff + d];
              p[j] = s * scale;
              if (p[j] > m) m = p[j];
            }
            let sum = 0;
            for (let j = 0; j < n; j++) {
              p[j] = Math.exp(p[j] - m);
              sum += p[j];
            }
            const oOff = (b * Tq + t) * C + h * hs;
            out.fill(0, oOff, oOff + hs);
            for (let j = 0; j < n; j++) {
              const pj = p[j] / sum;
              const vOff = values + j * C + h * hs;
              for (let d = 0; d < hs; d++) out[oOff + d] += pj * kv[vOff + d];
            }
          }
        }
      }
    },

    kvReorder(kv, order, L, B, maxT, C, len) {
      const span = len * C;
      for (let l = 0; l < L; l++) {
        const at = (b: number, which: number) => ((l * B + b) * 2 + which) * maxT * C;
        // Copy the sources out first: a row may be both read (by another beam) and overwritten.
        const moved: [number, Float32Array, Float32Array][] = [];
        for (let b = 0; b < B; b++) {
          const s = order[b];
          if (s !== b) moved.push([b, kv.slice(at(s, 0), at(s, 0) + span), kv.slice(at(s, 1), at(s, 1) + span)]);
        }
        for (const [b, keys, values] of moved) {
          kv.set(keys, at(b, 0));
          kv.set(values, at(b, 1));
        }
      }
    },
  };
}
