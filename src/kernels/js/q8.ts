/**
 * The q8 weight ops in plain TypeScript, bit for bit crate/src/ops/q8.rs: every float32 operation of the Rust
 * code is one `Math.fround` here, and the block sums are integers (exact in a double).
 */
import { Q8_BLOCK, q8Floats, q8ScaleOffset, q8ValueOffset } from '../q8-layout.js';
import type { JsKernels } from '../types.js';

const fround = Math.fround;

/** Rust's `f32::round`: ties away from zero (exact for float32 inputs). */
function roundAway(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

/** Largest magnitude of x[from, from + 32), skipping NaN like Rust's `f32::max`. */
function blockMax(x: Float32Array, from: number): number {
  let m = 0;
  for (let k = from; k < from + Q8_BLOCK; k++) {
    const a = Math.abs(x[k]);
    if (a > m) m = a;
  }
  return m;
}

/** Quantizes blocks of 32 of `x` to integers up to ±qmax into `q`, scales into `scale(b)`. */
function quantizeRow(x: Float32Array, from: number, cols: number, qmax: number, put: (k: number, q: number) => void, scale: (b: number, d: number) => void): void {
  for (let b = 0; b < cols / Q8_BLOCK; b++) {
    const d = fround(blockMax(x, from + b * Q8_BLOCK) / qmax);
    const id = d !== 0 ? fround(1 / d) : 0;
    scale(b, d);
    for (let k = b * Q8_BLOCK; k < (b + 1) * Q8_BLOCK; k++) {
      put(k, Math.min(qmax, Math.max(-qmax, roundAway(fround(x[from + k] * id)))));
    }
  }
}

const bytesOf = (buf: Float32Array) => new Int8Array(buf.buffer, buf.byteOffset, buf.length * 4);

export function jsQ8Ops(): Pick<JsKernels, 'quantizeQ8' | 'dequantizeQ8' | 'matmulForwardQ8' | 'encoderForwardQ8'> {
  return {
    quantizeQ8(out, inp, rows, cols) {
      const bytes = bytesOf(out);
      out.fill(0, 0, q8Floats(rows, cols)); // padding rows: zero values, zero scales
      for (let r = 0; r < rows; r++) {
        quantizeRow(inp, r * cols, cols, 127, (k, q) => { bytes[q8ValueOffset(r, k, cols)] = q; }, (b, d) => { out[q8ScaleOffset(r, b, cols)] = d; });
      }
    },
    dequantizeQ8(out, inp, rows, cols) {
      const bytes = bytesOf(inp);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < cols; k++) out[r * cols + k] = bytes[q8ValueOffset(r, k, cols)] * inp[q8ScaleOffset(r, Math.floor(k / Q8_BLOCK), cols)];
      }
    },
    matmulForwardQ8(out, inp, weight, bias, N, C, OC) {
      const nb = C / Q8_BLOCK;
      const bytes = bytesOf(weight);
      const xq = new Int16Array(C);
      const xs = new Float32Array(nb);
      for (let n = 0; n < N; n++) {
        quantizeRow(inp, n * C, C, 32767, (k, q) => { xq[k] = q; }, (b, d) => { xs[b] = d; });
        for (let o = 0; o < OC; o++) {
          let acc = 0;
          for (let b = 0; b < nb; b++) {
            // Row o's values of block b: quad j at record + 16·j + 4·(o mod 4), 4 bytes each.
            const at = q8ValueOffset(o, b * Q8_BLOCK, C);
            let isum = 0;
            for (let j = 0; j < Q8_BLOCK / 4; j++) {
              for (let e = 0; e < 4; e++) isum += bytes[at + 16 * j + e] * xq[b * Q8_BLOCK + 4 * j + e];
            }
            acc = fround(acc + fround(fround(isum) * fround(weight[q8ScaleOffset(o, b, C)] * xs[b])));
          }
          out[n * OC + o] = bias === null ? acc : acc + bias[o];
        }
      }
    },
    encoderForwardQ8(out, tokens, wte, wpe, B, T, C) {
      const bytes = bytesOf(wte);
      for (let i = 0; i < B * T; i++) {
        const tok = tokens[i];
        const p = (i % T) * C;
        for (let k = 0; k < C; k++) {
          out[i * C + k] = fround(bytes[q8ValueOffset(tok, k, C)] * wte[q8ScaleOffset(tok, Math.floor(k / Q8_BLOCK), C)]) + wpe[p + k];
        }
      }
    },
  };
}
