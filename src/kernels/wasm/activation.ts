// STUB: to be replaced by the activation op glue (crate/src/ops/activation.rs exports).
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function wasmActivationOps(core: WasmCore): Pick<WasmKernels, 'geluForward' | 'geluBackward' | 'reluForward' | 'reluBackward'> {
  void core;
  return {
    geluForward: notYet('geluForward'),
    geluBackward: notYet('geluBackward'),
    reluForward: notYet('reluForward'),
    reluBackward: notYet('reluBackward'),
  };
}
