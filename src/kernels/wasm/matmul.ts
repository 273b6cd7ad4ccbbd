/** wasm glue of the linear layer (crate/src/ops/matmul.rs). A null bias / dbias passes pointer 0. */
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

export function wasmMatmulOps(core: WasmCore): Pick<WasmKernels, 'matmulForward' | 'matmulBackward'> {
  return {
    matmulForward: (out, inp, weight, bias, N, C, OC) =>
      core.invokeStatus('matmulForward', (x) => x.wgpt_matmul_forward(out.ptr, inp.ptr, weight.ptr, bias?.ptr ?? 0, N, C, OC)),
    matmulBackward: (dinp, dweight, dbias, dout, inp, weight, N, C, OC) =>
      core.invokeStatus('matmulBackward', (x) =>
        x.wgpt_matmul_backward(dinp.ptr, dweight.ptr, dbias?.ptr ?? 0, dout.ptr, inp.ptr, weight.ptr, N, C, OC),
      ),
  };
}
