// STUB: to be replaced by the matmul op glue (crate/src/ops/matmul.rs exports).
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function wasmMatmulOps(core: WasmCore): Pick<WasmKernels, 'matmulForward' | 'matmulBackward'> {
  void core;
  return {
    matmulForward: notYet('matmulForward'),
    matmulBackward: notYet('matmulBackward'),
  };
}
