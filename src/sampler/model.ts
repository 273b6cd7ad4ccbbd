/** What the sampler needs from a model: the kernel backend, the architecture, and the flat parameters. */
import type { Kernels } from '../kernels/types.js';
import type { ModelDims } from '../model/layout.js';

/**
 * A GPT the sampler can run: `params` is the flat parameter buffer in `paramLayout(config)` order, living in
 * `kernels`' memory. The `GPT` class has these three properties, so `new Sampler(gpt)` works; so does
 * `{ kernels: k, config: dims, params: engine.params }` around a `GPTEngine`.
 */
export interface SamplerModel<F, I> {
  readonly kernels: Kernels<F, I>;
  readonly config: ModelDims;
  readonly params: F;
}
