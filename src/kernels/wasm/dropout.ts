// STUB: to be replaced by the dropout op glue (crate/src/ops/dropout.rs exports).
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function wasmDropoutOps(core: WasmCore): Pick<WasmKernels, 'dropoutForward' | 'dropoutBackward'> {
  void core;
  return {
    dropoutForward: notYet('dropoutForward'),
    dropoutBackward: notYet('dropoutBackward'),
  };
}
