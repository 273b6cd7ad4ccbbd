// STUB: to be replaced by the optim op glue (crate/src/ops/optim.rs exports).
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function wasmOptimOps(core: WasmCore): Pick<WasmKernels, 'adamw' | 'gradNorm' | 'scale'> {
  void core;
  return {
    adamw: notYet('adamw'),
    gradNorm: notYet('gradNorm'),
    scale: notYet('scale'),
  };
}
