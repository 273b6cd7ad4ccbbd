/**
 * wasm glue of dropout (crate/src/ops/dropout.rs). p is passed as f64 (the core compares uniform ≥ p exactly as
 * `dropoutUniform` does); seed and offset as u32. p outside [0, 1) makes the core refuse the call.
 */
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

export function wasmDropoutOps(core: WasmCore): Pick<WasmKernels, 'dropoutForward' | 'dropoutBackward'> {
  return {
    dropoutForward: (out, inp, N, p, seed, offset) =>
      core.invokeStatus('dropoutForward', (x) => x.wgpt_dropout_forward(out.ptr, inp.ptr, N, p, seed >>> 0, offset >>> 0)),
    dropoutBackward: (dinp, dout, N, p, seed, offset) =>
      core.invokeStatus('dropoutBackward', (x) => x.wgpt_dropout_backward(dinp.ptr, dout.ptr, N, p, seed >>> 0, offset >>> 0)),
  };
}
