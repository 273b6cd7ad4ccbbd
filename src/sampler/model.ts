/** What the sampler needs from a model: the kernel backend, the architecture, and the flat parameters. */
import type { Kernels } from '../kernels/types.js';
import type { ModelDims, WeightDtype } from '../model/layout.js';

/**
 * A GPT the sampler can run: `params` is the flat parameter buffer in `paramLayout(config)` order (or
 * `q8Layout(config)`'s, with dtype 'q8'), living in `kernels`' memory. The `GPT` and `QuantizedGPT` classes
 * have these properties, so `new Sampler(gpt)` works; so does
 * `{ kernels: k, config: dims, params: engine.params }` around a `GPTEngine`.
 */
export interface SamplerModel<F, I> {
  readonly kernels: Kernels<F, I>;
  readonly config: ModelDims;
  readonly params: F;
  /** 'q8': `params` is laid out by `q8Layout(config)` (a `QuantizedGPT`). Absent: float32. */
  readonly dtype?: WeightDtype;
}
