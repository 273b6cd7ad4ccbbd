// Generation: the Sampler and its option and result types. See ./sampler.ts.
export { Sampler, type SamplerOptions } from './sampler.js';
export type { SamplerModel } from './model.js';
export type { FinishReason, GenerateOptions, GenerateResult, GeneratedSequence, GenerationChunk } from './options.js';
