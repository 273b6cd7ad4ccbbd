/**
 * Pure-TypeScript twin of crate/src/ops/kvcache.rs: attention of new rows over a KV cache (B,2,NH,maxT,hs)
 * per layer, and the reordering of cache rows for beam search. Scores in float64, one scratch row grown once.
 */
import type { JsKernels } from '../types.js';

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
      // Start of (b, which = 0 keys / 1 values, h): a (maxT, hs) block.
      const block = (b: number, which: number, h: number) => ((b * 2 + which) * NH + h) * maxT * hs;
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < Tq; t++) {
          for (let h = 0; h < NH; h++) {
            const src = (b * Tq + t) * 3 * C + h * hs;
            kv.set(qkv.subarray(src + C, src + C + hs), block(b, 0, h) + (pos + t) * hs);
            kv.set(qkv.subarray(src + 2 * C, src + 2 * C + hs), block(b, 1, h) + (pos + t) * hs);
          }
        }
      }
      const p = row(pos + Tq);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < Tq; t++) {
          const n = pos + t + 1;
          for (let h = 0; h < NH; h++) {
            const keys = block(b, 0, h);
            const values = block(b, 1, h);
            const qOff = (b * Tq + t) * 3 * C + h * hs;
            let m = -Infinity;
            for (let j = 0; j < n; j++) {
              const kOff = keys + j * hs;
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
              const vOff = values + j * hs;
              for (let d = 0; d < hs; d++) out[oOff + d] += pj * kv[vOff + d];
            }
          }
        }
      }
    },

    kvReorder(kv, order, L, B, maxT, C, NH, len) {
      const hs = C / NH;
      const span = len * hs;
      for (let l = 0; l < L; l++) {
        // Segment seg (the keys of each head, then the values of each head) of row b: a (maxT, hs) block.
        const at = (b: number, seg: number) => ((l * B + b) * 2 * NH + seg) * maxT * hs;
        // Copy the sources out first: a row may be both read (by another beam) and overwritten.
        const moved: [number, Float32Array[]][] = [];
        for (let b = 0; b < B; b++) {
          const s = order[b];
          if (s !== b) moved.push([b, Array.from({ length: 2 * NH }, (_, seg) => kv.slice(at(s, seg), at(s, seg) + span))]);
        }
        for (const [b, segments] of moved) segments.forEach((data, seg) => kv.set(data, at(b, seg)));
      }
    },
  };
}
