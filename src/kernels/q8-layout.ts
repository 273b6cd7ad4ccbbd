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
