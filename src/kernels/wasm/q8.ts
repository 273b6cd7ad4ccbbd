/** wasm glue of the q8 weight ops (crate/src/ops/q8.rs). A null bias passes pointer 0. */
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

export function wasmQ8Ops(core: WasmCore): Pick<WasmKernels, 'quantizeQ8' | 'dequantizeQ8' | 'matmulForwardQ8' | 'encoderForwardQ8'> {
  return {
    quantizeQ8: (out, inp, rows, cols) => core.invokeStatus('quantizeQ8', (x) => x.wgpt_q8_quantize(out.ptr, inp.ptr, rows, cols)),
    dequantizeQ8: (out, inp, rows, cols) => core.invokeStatus('dequantizeQ8', (x) => x.wgpt_q8_dequantize(out.ptr, inp.ptr, rows, cols)),
    matmulForwardQ8: (out, inp, weight, bias, N, C, OC) =>
      core.invokeStatus('matmulForwardQ8', (x) => x.wgpt_q8_matmul_forward(out.ptr, inp.ptr, weight.ptr, bias?.ptr ?? 0, N, C, OC)),
    encoderForwardQ8: (out, tokens, wte, wpe, B, T, C, V) =>
      core.invokeStatus('encoderForwardQ8', (x) => x.wgpt_q8_encoder_forward(out.ptr, tokens.ptr, wte.ptr, wpe.ptr, B, T, C, V)),
  };
}
