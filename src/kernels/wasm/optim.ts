/**
 * wasm glue of the optimizer ops (crate/src/ops/optim.rs). Hyper-parameters cross as f32, step as u32.
 * `wgpt_grad_norm` returns the norm itself (f64) and cannot fail; the others return a status (AdamW refuses
 * step < 1 and decay ranges outside 0 ≤ start ≤ end ≤ N).
 */
import type { WasmCore } from '../../wasm/core.js';
import type { WasmKernels } from '../types.js';

export function wasmOptimOps(core: WasmCore): Pick<WasmKernels, 'adamw' | 'gradNorm' | 'scale'> {
  return {
    adamw: (params, grads, m, v, N, decayRanges, R, lr, beta1, beta2, eps, weightDecay, step) =>
      core.invokeStatus('adamw', (x) =>
        x.wgpt_adamw(params.ptr, grads.ptr, m.ptr, v.ptr, N, R > 0 ? decayRanges.ptr : 0, R, lr, beta1, beta2, eps, weightDecay, step),
      ),
    gradNorm: (grads, N) => core.invoke('gradNorm', (x) => x.wgpt_grad_norm(grads.ptr, N)),
    scale: (buf, N, s) => core.invokeStatus('scale', (x) => x.wgpt_scale(buf.ptr, N, s)),
  };
}
