/** Glue for crate/src/ops/attention.rs. */
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

export function wasmAttentionOps(core: WasmCore): Pick<WasmKernels, 'attentionForward' | 'attentionBackward'> {
  return {
    attentionForward(out, lse, qkv, B, T, C, NH, dropout, seed) {
      core.invokeStatus('attentionForward', (x) =>
        x.wgpt_attention_forward(out.ptr, lse.ptr, qkv.ptr, B, T, C, NH, dropout, seed >>> 0));
    },
    attentionBackward(dqkv, dout, qkv, out, lse, B, T, C, NH, dropout, seed) {
      core.invokeStatus('attentionBackward', (x) =>
        x.wgpt_attention_backward(dqkv.ptr, dout.ptr, qkv.ptr, out.ptr, lse.ptr, B, T, C, NH, dropout, seed >>> 0));
    },
  };
}
