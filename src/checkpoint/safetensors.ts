/**
 * The safetensors format, read and written without dependencies (browser-safe):
 *
 *   [8 bytes: header length n, little-endian u64] [n bytes: JSON header] [data section]
 *   header = { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [start, end] }, ...,
 *              "__metadata__": { "<key>": "<string>" } }      (offsets relative to the data section)
 *
 * Reading validates the whole header before any tensor is touched (length bounds, UTF-8, JSON, dtype, shape,
 * offsets inside the data section, byte length = product(shape) × dtype size, no two tensors overlapping) and
 * names the file (`source`) and the tensor in every error. Tensors stay as bytes until asked for: a checkpoint
 * may carry buffers of other dtypes (Hugging Face GPT-2's boolean `attn.bias` masks) that the reader must
 * accept but never convert. `toFloat32` converts F32, F16 and BF16.
 *
 * Writing emits F32 (and I8, for q8 checkpoints), the header padded with spaces so the data section starts 8-byte aligned (what the
 * reference implementation does), and every tensor in insertion order, back to back.
 *
 * Typed arrays are platform-endian; the format is little-endian. Every engine that runs WebAssembly is
 * little-endian (wasm memory itself is), so the typed views here are correct wherever this library runs.
 */
import { FormatError, ShapeError } from '../errors.js';

/** Every dtype of the format, with its element size in bytes. */
const DTYPE_BYTES = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
} as const;

export type SafetensorsDtype = keyof typeof DTYPE_BYTES;

/** Largest header we accept; the reference implementation uses the same bound against hostile files. */
const MAX_HEADER_BYTES = 100_000_000;

/** A float32 tensor to write (and what `paramsToHF` returns). */
export interface Float32Tensor {
  shape: readonly number[];
  data: Float32Array;
}

/** A tensor to write: float32, or int8 (q8 checkpoints' values). */
export interface WritableTensor {
  shape: readonly number[];
  data: Float32Array | Int8Array;
}

/** One tensor of a parsed file: validated, still raw bytes. */
export interface SafetensorsTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** The tensor's bytes inside the file (a view, not a copy). */
  readonly bytes: Uint8Array;
  /** Converts to float32 (F32, F16, BF16; FormatError for other dtypes). F32 at a 4-byte-aligned address comes
   * back as a view sharing the file's memory; everything else is a fresh array. */
  toFloat32(): Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

/** Parses and validates a safetensors file. `source` names the file in errors (a path or a label). */
export function readSafetensors(file: Uint8Array, source: string): SafetensorsFile {
  const fail = (msg: string): never => {
    throw new FormatError(`${source}: ${msg}`, { file: source });
  };
  if (file.length < 8) fail(`${file.length} bytes is too short for a safetensors file (8-byte header length first)`);
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  // u64 as two halves: a length ≥ 2^32 is out of bounds anyway, and Number stays exact up to 2^53.
  const headerLength = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_BYTES) fail(`header length ${headerLength} is over the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`);
  if (headerLength > file.length - 8) {
    fail(`header length ${headerLength} exceeds the ${file.length - 8} bytes after the length field (truncated or not safetensors)`);
  }
  if (headerLength < 2) fail(`header length ${headerLength} cannot hold a JSON object`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + headerLength));
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');

  const dataStart = 8 + headerLength;
  const dataLength = file.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafetensorsTensor>();
  const spans: { name: string; start: number; end: number }[] = [];

  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string (got ${typeof v})`);
        metadata[k] = v as string;
      }
      continue;
    }
    const where = `tensor ${JSON.stringify(name)}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where}: entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) {
      fail(`${where}: unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(', ')})`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`${where}: data_offsets must be [start, end] with non-negative integers, got ${JSON.stringify(offsets)}`);
    }
    const [start, end] = offsets as number[];
    if (start > end) fail(`${where}: data_offsets [${start}, ${end}] end before they start`);
    if (end > dataLength) fail(`${where}: data_offsets [${start}, ${end}] run past the ${dataLength}-byte data section`);
    const elementBytes = DTYPE_BYTES[dtype as SafetensorsDtype];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - start !== count * elementBytes) {
      fail(`${where}: ${end - start} bytes of data, but shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${count * elementBytes}`);
    }
    const bytes = file.subarray(dataStart + start, dataStart + end);
    tensors.set(name, makeTensor(name, dtype as SafetensorsDtype, shape as number[], bytes, source));
    if (end > start) spans.push({ name, start, end });
  }

  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    const [a, b] = [spans[i - 1], spans[i]];
    if (b.start < a.end) {
      fail(`tensor ${JSON.stringify(b.name)} (bytes ${b.start}..${b.end}) overlaps tensor ${JSON.stringify(a.name)} (bytes ${a.start}..${a.end})`);
    }
  }
  return { tensors, metadata };
}

function makeTensor(name: string, dtype: SafetensorsDtype, shape: number[], bytes: Uint8Array, source: string): SafetensorsTensor {
  return {
    name,
    dtype,
    shape,
    bytes,
    toFloat32() {
      const n = bytes.length / DTYPE_BYTES[dtype];
      switch (dtype) {
        case 'F32': {
          const b = aligned(bytes, 4);
          return new Float32Array(b.buffer, b.byteOffset, n);
        }
        case 'F16': {
          const b = aligned(bytes, 2);
          const h = new Uint16Array(b.buffer, b.byteOffset, n);
          const table = f16Table();
          const out = new Float32Array(n);
          for (let i = 0; i < n; i++) out[i] = table[h[i]];
          return out;
        }
        case 'BF16': {
          const b = aligned(bytes, 2);
          const h = new Uint16Array(b.buffer, b.byteOffset, n);
          const out = new Uint32Array(n);
          for (let i = 0; i < n; i++) out[i] = h[i] << 16;
          return new Float32Array(out.buffer);
        }
        default:
          throw new FormatError(`${source}: tensor ${JSON.stringify(name)} is ${dtype}; only F32, F16 and BF16 convert to float32`, { file: source, key: name });
      }
    },
  };
}

/** `bytes` itself when its address is a multiple of `align`, else a copy (typed views need alignment). */
function aligned(bytes: Uint8Array, align: number): Uint8Array {
  return bytes.byteOffset % align === 0 ? bytes : bytes.slice();
}

/**
 * Encodes float32 tensors as a safetensors file. Names keep the iteration order; `metadata` goes into
 * `__metadata__` (Hugging Face's loader wants `{ format: 'pt' }` there).
 */
export function writeSafetensors(
  tensors: Iterable<[string, WritableTensor]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const list: [string, WritableTensor][] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__' || Object.hasOwn(header, name)) throw new ShapeError(`writeSafetensors: tensor name ${JSON.stringify(name)} is reserved or repeated`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== t.data.length) {
      throw new ShapeError(`writeSafetensors: tensor ${JSON.stringify(name)} has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    }
    const bytes = t.data.BYTES_PER_ELEMENT * count;
    header[name] = { dtype: t.data instanceof Int8Array ? 'I8' : 'F32', shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    list.push([name, t]);
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, headerLength, true);
  dv.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // spaces: trailing whitespace is valid JSON
  let at = 8 + headerLength;
  for (const [, t] of list) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/**
 * Index of the first NaN or ±Infinity in `data`, or -1. Reads the exponent bits through an integer view (all
 * ones means non-finite), which V8 runs several times faster than `Number.isFinite` per element.
 */
export function firstNonFinite(data: Float32Array): number {
  const bits = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length) : new Uint32Array(data.slice().buffer);
  for (let i = 0; i < bits.length; i++) if ((bits[i] & 0x7f800000) === 0x7f800000) return i;
  return -1;
}

// ---- half and bfloat16 ---------------------------------------------------------------------------------------

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE half bits → value (exact: every half is a float32). */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

let f16Lookup: Float32Array | undefined;
/** All 65,536 halves decoded once (256 KB): a table lookup per element converts large checkpoints fast. */
function f16Table(): Float32Array {
  if (f16Lookup === undefined) {
    f16Lookup = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Lookup[h] = f16BitsToF32(h);
  }
  return f16Lookup;
}

/** float32 value → IEEE half bits, rounded to nearest, ties to even; overflow gives ±inf, NaN stays NaN. */
export function f32ToF16Bits(x: number): number {
  f32Scratch[0] = x;
  const u = u32Scratch[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const mant = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0); // inf; NaN kept quiet
  const e = exp - 127 + 15; // the half's biased exponent
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Half subnormal (or zero): the 24-bit significand shifted right by 14 - e, rounded. A carry out of the
    // top lands exactly on the smallest normal, which is the right answer.
    const shift = 14 - e;
    if (shift > 24) return sign;
    const m = mant | 0x800000;
    return sign | roundShift(m, shift);
  }
  // Normal: drop 13 bits; a carry may ripple into the exponent (up to inf), which is again correct.
  return sign | roundShift((e << 23) | mant, 13);
}

/** value >>> shift, rounded to nearest, ties to even (1 ≤ shift ≤ 24, value a uint32). */
function roundShift(value: number, shift: number): number {
  const q = value >>> shift;
  const rem = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q;
}

/** bfloat16 bits → value (the top half of a float32). */
export function bf16BitsToF32(h: number): number {
  u32Scratch[0] = (h & 0xffff) << 16;
  return f32Scratch[0];
}

/** float32 value → bfloat16 bits, rounded to nearest, ties to even; NaN stays NaN (quiet). */
export function f32ToBf16Bits(x: number): number {
  f32Scratch[0] = x;
  const u = u32Scratch[0];
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff;
  return roundShift(u, 16);
}
