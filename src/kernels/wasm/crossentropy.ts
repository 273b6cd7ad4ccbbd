// STUB: to be replaced by the crossentropy op glue (crate/src/ops/crossentropy.rs exports).
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function wasmCrossEntropyOps(core: WasmCore): Pick<WasmKernels, 'crossEntropyForward' | 'crossEntropyBackward'> {
  void core;
  return {
    crossEntropyForward: notYet('crossEntropyForward'),
    crossEntropyBackward: notYet('crossEntropyBackward'),
  };
}
