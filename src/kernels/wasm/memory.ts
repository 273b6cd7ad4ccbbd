import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

type MemoryOps = Pick<WasmKernels, 'alloc' | 'from' | 'allocI32' | 'fromI32' | 'read' | 'write' | 'writeI32' | 'fill' | 'view' | 'viewI32' | 'free'>;

export function wasmMemoryOps(core: WasmCore): MemoryOps {
  return {
    alloc: (n) => core.alloc(n),
    from: (data) => core.from(data),
    allocI32: (n) => core.allocI32(n),
    fromI32: (data) => core.fromI32(data),
    read: (buf, out) => buf.read(out),
    write: (buf, data, offset = 0) => void buf.set(data, offset),
    writeI32: (buf, data, offset = 0) => void buf.set(data, offset),
    fill: (buf, value) => core.invokeStatus('fill', (x) => x.wgpt_fill(buf.ptr, buf.length, value)),
    view: (buf, offset, length) => buf.subarray(offset, length),
    viewI32: (buf, offset, length) => buf.subarray(offset, length),
    free: (buf) => buf.free(),
  };
}
