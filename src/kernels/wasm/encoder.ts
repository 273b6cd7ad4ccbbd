// STUB: to be replaced by the encoder op glue (crate/src/ops/encoder.rs exports).
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function wasmEncoderOps(core: WasmCore): Pick<WasmKernels, 'positionalSinusoidal' | 'encoderForward' | 'encoderBackward'> {
  void core;
  return {
    positionalSinusoidal: notYet('positionalSinusoidal'),
    encoderForward: notYet('encoderForward'),
    encoderBackward: notYet('encoderBackward'),
  };
}
