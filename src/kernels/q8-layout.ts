/**
 * Where the values and scales of a q8 tensor live (crate/src/ops/q8.rs says why it is laid out so). A
 * rows × cols tensor (cols a multiple of 32) occupies `q8Floats(rows, cols)` float32 slots, so it sits in the
 * same buffers as float tensors. Rows go 4 at a time (a group; missing rows of the last group are zeros with
 * scale 0); each (group, block of 32 columns) is a 144-byte record: 8 quads of 16 bytes, quad j holding for
 * each of the 4 rows in turn its values at columns 32b + 4j .. 32b + 4j + 4, then the 4 rows' scales (f32).
 */

/** Values per block along a row. */
export const Q8_BLOCK = 32;
/** Float32 slots of one (group of 4 rows, block) record. */
const RECORD_FLOATS = 36;

/** Float32 slots a rows × cols q8 tensor occupies: 9/32 of the float32 tensor, plus padding to 4 rows. */
export function q8Floats(rows: number, cols: number): number {
  return Math.ceil(rows / 4) * (cols / Q8_BLOCK) * RECORD_FLOATS;
}

/** Byte offset of value (r, k). */
export function q8ValueOffset(r: number, k: number, cols: number): number {
  const record = (r >> 2) * (cols / Q8_BLOCK) + Math.floor(k / Q8_BLOCK);
  return record * RECORD_FLOATS * 4 + ((k % Q8_BLOCK) >> 2) * 16 + (r & 3) * 4 + (k & 3);
}

/** Float32 slot of the scale of (row r, block b). */
export function q8ScaleOffset(r: number, b: number, cols: number): number {
  return ((r >> 2) * (cols / Q8_BLOCK) + b) * RECORD_FLOATS + 32 + (r & 3);
}

/** A q8 tensor's values as plain row-major int8 (rows, cols) and its scales (rows, cols / 32). */
export function unpackQ8(q8: Float32Array, rows: number, cols: number): { values: Int8Array; scales: Float32Array } {
  const bytes = new Int8Array(q8.buffer, q8.byteOffset, q8.length * 4);
  const values = new Int8Array(rows * cols);
  const nb = cols / Q8_BLOCK;
  const scales = new Float32Array(rows * nb);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < nb; b++) {
      scales[r * nb + b] = q8[q8ScaleOffset(r, b, cols)];
      for (let j = 0; j < Q8_BLOCK; j += 4) {
        const from = q8ValueOffset(r, b * Q8_BLOCK + j, cols);
        for (let e = 0; e < 4; e++) values[r * cols + b * Q8_BLOCK + j + e] = bytes[from + e];
      }
    }
  }
  return { values, scales };
}

/** `unpackQ8` reversed: plain int8 values and scales into a q8 tensor (`out`: q8Floats(rows, cols) slots). */
export function packQ8(out: Float32Array, values: Int8Array, scales: Float32Array, rows: number, cols: number): void {
  out.fill(0, 0, q8Floats(rows, cols));
  const bytes = new Int8Array(out.buffer, out.byteOffset, out.length * 4);
  const nb = cols / Q8_BLOCK;
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < nb; b++) {
      out[q8ScaleOffset(r, b, cols)] = scales[r * nb + b];
      for (let j = 0; j < Q8_BLOCK; j += 4) {
        const to = q8ValueOffset(r, b * Q8_BLOCK + j, cols);
        for (let e = 0; e < 4; e++) bytes[to + e] = values[r * cols + b * Q8_BLOCK + j + e];
      }
    }
  }
}
