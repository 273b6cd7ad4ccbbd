/** Glue for crate/src/ops/kvcache.rs. */
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

export function wasmKvCacheOps(core: WasmCore): Pick<WasmKernels, 'kvAttentionForward' | 'kvReorder'> {
  return {
    kvAttentionForward(out, kv, qkv, B, Tq, pos, maxT, C, NH) {
      core.invokeStatus('kvAttentionForward', (x) =>
        x.wgpt_kv_attention_forward(out.ptr, kv.ptr, qkv.ptr, B, Tq, pos, maxT, C, NH));
    },
    kvReorder(kv, order, L, B, maxT, C, NH, len) {
      core.invokeStatus('kvReorder', (x) => x.wgpt_kv_reorder(kv.ptr, order.ptr, L, B, maxT, C, NH, len));
    },
  };
}
