// STUB: to be replaced by the layernorm op glue (crate/src/ops/layernorm.rs exports).
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function wasmLayernormOps(core: WasmCore): Pick<WasmKernels, 'layernormForward' | 'layernormBackward'> {
  void core;
  return {
    layernormForward: notYet('layernormForward'),
    layernormBackward: notYet('layernormBackward'),
  };
}
