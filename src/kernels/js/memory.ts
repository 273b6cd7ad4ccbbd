import type { JsKernels } from '../types.js';

type MemoryOps = Pick<JsKernels, 'alloc' | 'from' | 'allocI32' | 'fromI32' | 'read' | 'write' | 'writeI32' | 'fill' | 'view' | 'viewI32' | 'free'>;

export function jsMemoryOps(): MemoryOps {
  return {
    alloc: (n) => new Float32Array(n),
    from: (data) => Float32Array.from(data),
    allocI32: (n) => new Int32Array(n),
    fromI32: (data) => Int32Array.from(data),
    read: (buf, out) => {
      if (out === undefined) return buf.slice();
      out.set(buf);
      return out;
    },
    write: (buf, data, offset = 0) => buf.set(data, offset),
    writeI32: (buf, data, offset = 0) => buf.set(data, offset),
    fill: (buf, value) => void buf.fill(value),
    view: (buf, offset, length) => buf.subarray(offset, offset + length),
    viewI32: (buf, offset, length) => buf.subarray(offset, offset + length),
    free: () => {},
  };
}
