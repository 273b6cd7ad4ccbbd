// Browser-safe tokenizer API. File helpers for Node live in ./node-io.js.
export type { AllowedSpecial, EncodeOptions, Tokenizer, TokenizerKind } from './types.js';
export { ByteLevelBPETokenizer } from './bpe.js';
export type { ByteLevelBPEOptions, TiktokenOptions } from './bpe.js';
export { CharTokenizer } from './char.js';
export type { CharTokenizerOptions } from './char.js';
export { trainByteLevelBPE } from './train-bpe.js';
export type { TrainBPEOptions, TrainProgress } from './train-bpe.js';
export { loadTokenizer } from './load.js';
export { pretokenize, GPT2_SPLIT_PATTERN } from './pretokenize.js';
export { DEFAULT_EOT_TOKEN } from './base.js';
