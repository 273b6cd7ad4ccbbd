// STUB: to be replaced by the residual op glue (crate/src/ops/residual.rs exports).
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function wasmResidualOps(core: WasmCore): Pick<WasmKernels, 'residualForward' | 'residualBackward'> {
  void core;
  return {
    residualForward: notYet('residualForward'),
    residualBackward: notYet('residualBackward'),
  };
}
