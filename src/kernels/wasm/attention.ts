// STUB: to be replaced by the attention op glue (crate/src/ops/attention.rs exports).
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function wasmAttentionOps(core: WasmCore): Pick<WasmKernels, 'attentionForward' | 'attentionBackward'> {
  void core;
  return {
    attentionForward: notYet('attentionForward'),
    attentionBackward: notYet('attentionBackward'),
  };
}
