/** Preparing arguments for transfer to the worker: checked first, so a bad input detaches nothing. */
import { FormatError, ShapeError, describeValue } from '../errors.js';
import type { CheckpointFiles } from './protocol.js';

/** `data` ready to transfer: itself when it owns its whole (non-shared) buffer, else a copy of its elements. */
export function transferable(data: Float32Array): Float32Array {
  const whole = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return whole ? data : data.slice();
}

/**
 * Checkpoint files ready to transfer: a Map of the same names, each array owning its whole buffer (copied when
 * it is a window of a larger one or shares its buffer with another file). Checked first: a bad input detaches
 * nothing.
 */
export function transferableFiles(fn: string, files: unknown): { files: CheckpointFiles; buffers: ArrayBuffer[] } {
  const entries = files instanceof Map ? [...files.entries()] : files !== null && typeof files === 'object' ? Object.entries(files) : undefined;
  if (entries === undefined) throw new FormatError(`${fn}: files must be a Map or an object of file name → Uint8Array, got ${describeValue(files)}`);
  for (const [name, bytes] of entries) {
    if (!(bytes instanceof Uint8Array)) throw new FormatError(`${fn}: file ${JSON.stringify(name)} must be a Uint8Array, got ${describeValue(bytes)}`);
  }
  const out: CheckpointFiles = new Map();
  const buffers = new Set<ArrayBuffer>();
  for (const [name, bytes] of entries as [string, Uint8Array][]) {
    const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const own = whole && !buffers.has(bytes.buffer as ArrayBuffer) ? bytes : bytes.slice();
    buffers.add(own.buffer as ArrayBuffer);
    out.set(name, own);
  }
  return { files: out, buffers: [...buffers] };
}

export function checkFloats(fn: string, what: string, data: unknown, length: number): asserts data is Float32Array {
  if (!(data instanceof Float32Array) || data.length !== length) {
    throw new ShapeError(`${fn}: ${what} must be a Float32Array of ${length} floats, got ${describeValue(data)}`);
  }
}
