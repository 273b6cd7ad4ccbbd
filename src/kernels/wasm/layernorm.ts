/** Layer normalisation on the wasm core (crate/src/ops/layernorm.rs). */
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

export function wasmLayernormOps(core: WasmCore): Pick<WasmKernels, 'layernormForward' | 'layernormBackward'> {
  return {
    // out (N,C), mean (N), rstd (N) ← inp (N,C), weight (C), bias (C).
    layernormForward: (out, mean, rstd, inp, weight, bias, N, C, eps) =>
      core.invokeStatus('layernormForward', (x) =>
        x.wgpt_layernorm_forward(out.ptr, mean.ptr, rstd.ptr, inp.ptr, weight.ptr, bias.ptr, N, C, eps),
      ),
    // dinp (N,C), dweight (C), dbias (C) += gradients.
    layernormBackward: (dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C) =>
      core.invokeStatus('layernormBackward', (x) =>
        x.wgpt_layernorm_backward(dinp.ptr, dweight.ptr, dbias.ptr, dout.ptr, inp.ptr, weight.ptr, mean.ptr, rstd.ptr, N, C),
      ),
  };
}
