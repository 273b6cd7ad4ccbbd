/** Residual ops on the wasm core (crate/src/ops/residual.rs). */
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

export function wasmResidualOps(core: WasmCore): Pick<WasmKernels, 'residualForward' | 'residualBackward'> {
  return {
    // out (N) = inp1 + inp2; out may be inp1 or inp2 (in place).
    residualForward: (out, inp1, inp2, N) =>
      core.invokeStatus('residualForward', (x) => x.wgpt_residual_forward(out.ptr, inp1.ptr, inp2.ptr, N)),
    // dinp1 (N) += dout, dinp2 (N) += dout.
    residualBackward: (dinp1, dinp2, dout, N) =>
      core.invokeStatus('residualBackward', (x) => x.wgpt_residual_backward(dinp1.ptr, dinp2.ptr, dout.ptr, N)),
  };
}
