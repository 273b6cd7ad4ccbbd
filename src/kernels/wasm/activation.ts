/** GELU and ReLU on the wasm core (crate/src/ops/activation.rs). */
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

export function wasmActivationOps(core: WasmCore): Pick<WasmKernels, 'geluForward' | 'geluBackward' | 'reluForward' | 'reluBackward'> {
  return {
    // out (N) = gelu(inp); out may be inp.
    geluForward: (out, inp, N) => core.invokeStatus('geluForward', (x) => x.wgpt_gelu_forward(out.ptr, inp.ptr, N)),
    // dinp (N) += gelu'(inp) · dout.
    geluBackward: (dinp, inp, dout, N) =>
      core.invokeStatus('geluBackward', (x) => x.wgpt_gelu_backward(dinp.ptr, inp.ptr, dout.ptr, N)),
    reluForward: (out, inp, N) => core.invokeStatus('reluForward', (x) => x.wgpt_relu_forward(out.ptr, inp.ptr, N)),
    reluBackward: (dinp, inp, dout, N) =>
      core.invokeStatus('reluBackward', (x) => x.wgpt_relu_backward(dinp.ptr, inp.ptr, dout.ptr, N)),
  };
}
