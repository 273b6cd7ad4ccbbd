/**
 * wasm glue of the fused softmax + cross-entropy (crate/src/ops/crossentropy.rs). The forward export returns
 * a status and writes the mean loss (f64) through a pointer: a per-core 8-byte scratch allocated on first use.
 * A target outside [0, V) that is not ignoreIndex makes the core refuse the call (a `WasmRuntimeError`
 * naming InvalidArgument) before anything is written.
 */
import type { WasmCore, WasmF32Array } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

export function wasmCrossEntropyOps(core: WasmCore): Pick<WasmKernels, 'crossEntropyForward' | 'crossEntropyBackward'> {
  let meanSlot: WasmF32Array | undefined; // 2 floats = one f64, 16-byte aligned
  return {
    crossEntropyForward: (losses, lse, logits, targets, N, V, ignoreIndex) => {
      meanSlot ??= core.alloc(2);
      const slot = meanSlot;
      core.invokeStatus('crossEntropyForward', (x) =>
        x.wgpt_crossentropy_forward(losses.ptr, lse.ptr, logits.ptr, targets.ptr, N, V, ignoreIndex, slot.ptr),
      );
      return new Float64Array(core.memory.buffer, slot.ptr, 1)[0];
    },
    crossEntropyBackward: (dlogits, logits, lse, targets, N, V, ignoreIndex, dlossScale) =>
      core.invokeStatus('crossEntropyBackward', (x) =>
        x.wgpt_crossentropy_backward(dlogits.ptr, logits.ptr, lse.ptr, targets.ptr, N, V, ignoreIndex, dlossScale),
      ),
  };
}
