/** The sampler's options, their defaults, and the checks that turn bad or contradictory ones into errors. */
import { ConfigError, describeValue } from '../errors.js';
import type { ModelDims } from '../model/layout.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { rejectUnknownKeys } from '../options.js';

/** Why a sequence ended. */
export type FinishReason =
  | 'end-token' //    it produced one of `endTokens`
  | 'stop-string' //  its text came to contain one of `stopStrings`
  | 'max-tokens' //   it reached `maxNewTokens`
  | 'context-full'; // prompt + generated reached the model's blockSize, with `onContextFull: 'stop'`

export interface GenerateOptions {
  /** Text (needs the sampler's tokenizer) or token ids. Without one, generation starts from `bos`. */
  prompt?: string | ArrayLike<number>;
  /** Start token: the whole context when there is no prompt (default: the tokenizer's end-of-text id, as
   * GPT-2 starts a document), prepended to the prompt when there is one (default: nothing). */
  bos?: number;
  /** Most tokens to generate per sequence. Default 100. */
  maxNewTokens?: number;
  /** A sequence ends when it produces one of these (kept as its last token, left out of its text). Default:
   * the tokenizer's end-of-text id when there is one; `[]` to never stop on a token. */
  endTokens?: number | readonly number[];
  /** A sequence ends when its generated text contains one of these, even across tokens; its text is cut
   * just before the stop string (its tokens keep the one that completed it). Needs a tokenizer. */
  stopStrings?: readonly string[];
  /** When prompt + generated tokens fill the context (blockSize): `'stop'` (default) ends every sequence
   * with 'context-full'; `'slide'` keeps the last `slideKeep` tokens, re-encodes them from position 0 and
   * goes on (a prompt longer than the context is cut to its last blockSize tokens). */
  onContextFull?: 'stop' | 'slide';
  /** Tokens kept when the window slides, in [1, blockSize): fewer means fewer re-encodings (one per
   * blockSize − slideKeep new tokens) but less context right after each. Default ⌊blockSize/2⌋. */
  slideKeep?: number;

  /** Softmax temperature, ≥ 0. 0 is greedy decoding (argmax, the lowest id on ties), which small
   * temperatures approach: as T → 0+ the distribution concentrates on the most likely token(s). Default 1. */
  temperature?: number;
  /** Sample only among the k most likely tokens (after temperature); 0 = off (default). */
  topK?: number;
  /** Nucleus: sample among the fewest most likely tokens (after top-k) holding probability p, in (0, 1];
   * 1 = off (default). */
  topP?: number;
  /** Drop tokens less likely than minP times the most likely one, in [0, 1]; 0 = off (default). */
  minP?: number;
  /** CTRL's repetition penalty on every token of the context (prompt and generated), > 0: logits are divided
   * by it when positive and multiplied when negative. 1 = off (default). */
  repetitionPenalty?: number;
  /** Never produce an n-gram of this size that is already in the context; 0 = off (default). */
  noRepeatNgramSize?: number;

  /** Beam search with this many beams (deterministic, so no temperature, top-k, top-p, min-p or seed).
   * Setting it, even to 1, selects beam search. */
  numBeams?: number;
  /** Beam scores are Σ log p / length^lengthPenalty (length = generated tokens, end token included):
   * > 0 favours longer sequences, < 0 shorter ones. Default 1. Beam search only. */
  lengthPenalty?: number;
  /** true: stop as soon as numBeams sequences have ended. false (default): go on until no running beam can
   * still beat the worst of them, so a wide enough beam returns the best sequence. Beam search only. */
  earlyStopping?: boolean;
  /** Sequences to return: independent samples (sampling), or the best of the beams (≤ numBeams; fewer
   * if a tiny vocabulary has fewer distinct continuations). Default 1. Samples are decoded side by side in one
   * batch. */
  numReturnSequences?: number;

  /** Seed of the draws, an integer in [0, 2³²). The draws are float64 arithmetic on logits copied out of the
   * core, so the same seed gives the same tokens for any thread count (wasm logits are bitwise identical)
   * and, in practice, on either backend (wasm and TS logits differ by ~1e-6, which changes a token only if a
   * draw lands that close to a boundary). Sample i uses its own stream, so it does not depend on how many
   * are drawn. Default: a random seed, reported in the result. */
  seed?: number;
  /** Report each generated token's log-probability under the model (log softmax of the raw logits, before
   * temperature, penalties and truncation). Default false. */
  logprobs?: boolean;
  /** Stops generation: `generate()` rejects and the stream throws with the signal's reason. */
  signal?: AbortSignal;
}

export interface GeneratedSequence {
  /** Generated ids (prompt excluded), ending with the end token when that is why it stopped. */
  tokens: number[];
  /** The decoded text of `tokens`, without an end token and cut before a stop string (with a tokenizer). */
  text?: string;
  finishReason: FinishReason;
  /** Per token of `tokens`, with `logprobs: true`. */
  logprobs?: number[];
  /** Beam search: Σ log p / length^lengthPenalty, log p under the processed distribution (penalties applied). */
  score?: number;
}

export interface GenerateResult {
  sequences: GeneratedSequence[];
  /** The context the generation started from: bos and/or the prompt's ids (cut to the context when sliding). */
  promptTokens: number[];
  /** Seed of the draws (sampling only). */
  seed?: number;
  /** How many times the context window slid (`onContextFull: 'slide'`). */
  slides: number;
}

/** One generated token of one sequence, as `stream()` yields them. */
export interface GenerationChunk {
  /** Which sequence (0 ≤ sequence < numReturnSequences). */
  sequence: number;
  token: number;
  /** Text that became final with this token (UTF-8 safe, stop-string safe; often '' mid-character). The
   * chunks' texts of a sequence concatenate to its `text`. */
  text: string;
  logprob?: number;
  /** Set on a sequence's last chunk. */
  finishReason?: FinishReason;
}

/** Options after defaults and checks. */
export interface Resolved {
  context: number[];
  maxNewTokens: number;
  endTokens: Set<number>;
  stopStrings: string[];
  slide: boolean;
  slideKeep: number;
  greedy: boolean;
  beams: number; // 0: sampling or greedy
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  repetitionPenalty: number;
  noRepeatNgramSize: number;
  lengthPenalty: number;
  earlyStopping: boolean;
  numReturnSequences: number;
  seed: number;
  logprobs: boolean;
  signal: AbortSignal | undefined;
  /** Most tokens a sequence can get: maxNewTokens, or less when the context stops it. */
  maxLength: number;
}

const KNOWN = new Set([
  'prompt', 'bos', 'maxNewTokens', 'endTokens', 'stopStrings', 'onContextFull', 'slideKeep', 'temperature', 'topK',
  'topP', 'minP', 'repetitionPenalty', 'noRepeatNgramSize', 'numBeams', 'lengthPenalty', 'earlyStopping',
  'numReturnSequences', 'seed', 'logprobs', 'signal',
]);
const SAMPLING = ['temperature', 'topK', 'topP', 'minP', 'seed'] as const;

/**
 * Most rows one generate() call decodes at once (numReturnSequences, numBeams): each is a row of every forward
 * and of the KV cache, so the time and memory of a call grow with it; ask for more in several calls.
 */
export const MAX_GENERATION_ROWS = 1024;

/** Spelling-insensitive form of a key: `max_new_tokens`, `MaxNewTokens` and `max-new-tokens` meet `maxNewTokens`. */
const fold = (key: string) => key.toLowerCase().replace(/[_-]/g, '');
const KNOWN_FOLDED = new Map([...KNOWN].map((k) => [fold(k), k]));
/** transformers' generate() arguments whose name or meaning differs here, with what to write instead. */
const HF_INSTEAD = new Map(Object.entries({
  do_sample: 'temperature (wasm-gpt samples by default, at temperature 1; do_sample: false is temperature: 0)',
  max_length: 'maxNewTokens (it counts generated tokens only, not the prompt)',
  eos_token_id: 'endTokens',
  bos_token_id: 'bos',
  pad_token_id: 'nothing (sequences of one batch need no padding here)',
  streamer: 'sampler.stream(options)',
  generation_config: 'new Sampler(model, { defaults })',
}).map(([k, v]) => [fold(k), v]));

/**
 * Options are camelCase and unknown ones are refused (never guessed), with the name that was probably meant:
 * people arrive with transformers' `max_new_tokens`, `top_p`, `do_sample`.
 */
export function unknownOption(key: string, prefix = ''): ConfigError {
  const meant = HF_INSTEAD.get(fold(key)) ?? KNOWN_FOLDED.get(fold(key));
  const hint = meant === undefined ? `known: ${[...KNOWN].join(', ')}` : `did you mean ${meant}?`;
  return new ConfigError(prefix + key, `unknown option ${JSON.stringify(prefix + key)}; ${hint}`);
}

/** Keys that choose how tokens are picked: a call that sets one replaces the defaults' whole strategy. */
const STRATEGY = ['temperature', 'topK', 'topP', 'minP', 'numBeams', 'lengthPenalty', 'earlyStopping', 'numReturnSequences'] as const;

/**
 * A call's options over a Sampler's defaults (a generation config): the call's keys win, and when the call
 * picks a decoding strategy (any of STRATEGY) the defaults' strategy is dropped entirely, so `{ topK: 5 }`
 * over greedy defaults samples instead of failing on "topK with temperature 0".
 */
export function withDefaults(defaults: GenerateOptions | undefined, call: GenerateOptions): GenerateOptions {
  if (defaults === undefined) return call;
  if (call === null || typeof call !== 'object') return call; // resolveOptions reports it
  const callPicks = STRATEGY.some((k) => call[k] !== undefined);
  const base: Record<string, unknown> = { ...defaults };
  if (callPicks) for (const k of STRATEGY) delete base[k];
  for (const [k, v] of Object.entries(call)) if (v !== undefined) base[k] = v;
  return base as GenerateOptions;
}

/** Checks a defaults object's keys (its values are checked with each call they apply to). */
export function checkDefaults(defaults: unknown): void {
  if (defaults === undefined) return;
  if (defaults === null || typeof defaults !== 'object') throw new ConfigError('defaults', `defaults must be an object of generate options, got ${describeValue(defaults)}`);
  rejectUnknownKeys('Sampler defaults', defaults, KNOWN, 'defaults.', unknownOption);
  for (const key of ['prompt', 'signal']) {
    if (key in defaults) throw new ConfigError(`defaults.${key}`, `${key} is per call; it cannot be a default`);
  }
}

function int(key: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER, what = `an integer in [${min}, ${max}]`): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(key, `${key} must be ${what}, got ${describeValue(v)}`);
  }
  return v;
}

function num(key: string, v: unknown, ok: (x: number) => boolean, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new ConfigError(key, `${key} must be ${what}, got ${describeValue(v)}`);
  return v;
}

function tokenId(key: string, v: unknown, V: number): number {
  return int(key, v, 0, V - 1, `a token id in [0, ${V})`);
}

export function resolveOptions(o: GenerateOptions, dims: ModelDims, tokenizer: Tokenizer | undefined): Resolved {
  if (o === null || typeof o !== 'object') throw new ConfigError('options', `options must be an object, got ${describeValue(o)}`);
  rejectUnknownKeys('generate', o, KNOWN, '', unknownOption);
  const V = dims.vocabSize;
  const given = (key: keyof GenerateOptions) => o[key] !== undefined;

  // ---- context ----
  let prompt: number[] = [];
  if (typeof o.prompt === 'string') {
    if (tokenizer === undefined) throw new ConfigError('prompt', 'a text prompt needs a tokenizer: new Sampler(model, { tokenizer })');
    prompt = tokenizer.encode(o.prompt);
  } else if (o.prompt !== undefined) {
    if (typeof o.prompt !== 'object' || o.prompt === null || typeof (o.prompt as ArrayLike<number>).length !== 'number') {
      throw new ConfigError('prompt', `prompt must be a string or token ids, got ${describeValue(o.prompt)}`);
    }
    prompt = Array.from(o.prompt as ArrayLike<number>);
  }
  prompt.forEach((t, i) => tokenId(`prompt[${i}]`, t, V));
  let bos: number | undefined;
  if (given('bos')) bos = tokenId('bos', o.bos, V);
  else if (prompt.length === 0) bos = tokenizer?.eotId;
  if (bos === undefined && prompt.length === 0) {
    throw new ConfigError('bos', 'no prompt and no start token: pass a prompt or bos (or a tokenizer with an end-of-text token)');
  }
  const context = bos === undefined ? prompt : [bos, ...prompt];

  // ---- stopping ----
  const maxNewTokens = given('maxNewTokens') ? int('maxNewTokens', o.maxNewTokens, 1) : 100;
  let endTokens: number[] = [];
  if (given('endTokens')) {
    const list = typeof o.endTokens === 'number' ? [o.endTokens] : o.endTokens;
    if (!Array.isArray(list)) throw new ConfigError('endTokens', `endTokens must be a token id or a list of them, got ${describeValue(o.endTokens)}`);
    endTokens = list.map((t, i) => tokenId(`endTokens[${i}]`, t, V));
  } else if (tokenizer?.eotId !== undefined && tokenizer.eotId < V) {
    endTokens = [tokenizer.eotId];
  }
  if (given('stopStrings') && !Array.isArray(o.stopStrings)) {
    throw new ConfigError('stopStrings', `stopStrings must be a list of strings, got ${describeValue(o.stopStrings)}`);
  }
  const stopStrings = given('stopStrings') ? [...(o.stopStrings as readonly string[])] : [];
  if (given('stopStrings')) {
    stopStrings.forEach((s, i) => {
      if (typeof s !== 'string' || s.length === 0) throw new ConfigError('stopStrings', `stopStrings[${i}] must be a non-empty string, got ${describeValue(s)}`);
    });
    if (stopStrings.length > 0 && tokenizer === undefined) throw new ConfigError('stopStrings', 'stopStrings need a tokenizer to decode text: new Sampler(model, { tokenizer })');
  }
  const onFull = o.onContextFull ?? 'stop';
  if (onFull !== 'stop' && onFull !== 'slide') throw new ConfigError('onContextFull', `onContextFull must be 'stop' or 'slide', got ${describeValue(onFull)}`);
  const slide = onFull === 'slide';
  const blockSize = dims.blockSize;
  if (given('slideKeep') && !slide) throw new ConfigError('slideKeep', "slideKeep applies only with onContextFull: 'slide'");
  if (slide && blockSize < 2) throw new ConfigError('onContextFull', `sliding needs a context of at least 2 tokens, blockSize is ${blockSize}`);
  const slideKeep = given('slideKeep') ? int('slideKeep', o.slideKeep, 1, blockSize - 1) : Math.max(1, Math.floor(blockSize / 2));
  if (slide && context.length > blockSize) context.splice(0, context.length - blockSize);
  if (!slide && context.length >= blockSize) {
    throw new ConfigError('prompt', `the context (bos and prompt) has ${context.length} tokens and the model's blockSize is ${blockSize}: ` +
      "nothing fits after it; shorten the prompt or use onContextFull: 'slide'");
  }
  const maxLength = slide ? maxNewTokens : Math.min(maxNewTokens, blockSize - context.length);

  // ---- strategy ----
  const beams = given('numBeams') ? int('numBeams', o.numBeams, 1, MAX_GENERATION_ROWS) : 0;
  if (beams > 0) {
    for (const key of SAMPLING) {
      if (given(key)) throw new ConfigError(key, `${key} is a sampling option, and beam search does not sample (numBeams is ${beams}); remove one of them`);
    }
  } else {
    for (const key of ['lengthPenalty', 'earlyStopping'] as const) {
      if (given(key)) throw new ConfigError(key, `${key} applies only to beam search: set numBeams`);
    }
  }
  const temperature = given('temperature') ? num('temperature', o.temperature, (x) => x >= 0, 'a number ≥ 0 (0 means greedy decoding)') : 1;
  const greedy = beams === 0 && temperature === 0;
  const topK = given('topK') ? int('topK', o.topK, 0, Number.MAX_SAFE_INTEGER, 'an integer ≥ 0 (0 turns top-k off)') : 0;
  const topP = given('topP') ? num('topP', o.topP, (x) => x > 0 && x <= 1, 'in (0, 1] (1 turns top-p off)') : 1;
  const minP = given('minP') ? num('minP', o.minP, (x) => x >= 0 && x <= 1, 'in [0, 1] (0 turns min-p off)') : 0;
  if (greedy) {
    for (const key of ['topK', 'topP', 'minP', 'seed'] as const) {
      if (given(key)) throw new ConfigError(key, `${key} has no effect with temperature 0 (greedy decoding); remove it or raise the temperature`);
    }
  }
  const repetitionPenalty = given('repetitionPenalty') ? num('repetitionPenalty', o.repetitionPenalty, (x) => x > 0, 'a number > 0 (1 turns it off)') : 1;
  const noRepeatNgramSize = given('noRepeatNgramSize') ? int('noRepeatNgramSize', o.noRepeatNgramSize, 0, Number.MAX_SAFE_INTEGER, 'an integer ≥ 0 (0 turns it off)') : 0;
  const lengthPenalty = given('lengthPenalty') ? num('lengthPenalty', o.lengthPenalty, () => true, 'a finite number') : 1;
  if (given('earlyStopping') && typeof o.earlyStopping !== 'boolean') throw new ConfigError('earlyStopping', `earlyStopping must be true or false, got ${describeValue(o.earlyStopping)}`);
  const numReturnSequences = given('numReturnSequences') ? int('numReturnSequences', o.numReturnSequences, 1, MAX_GENERATION_ROWS) : 1;
  if (beams > 0 && numReturnSequences > beams) {
    throw new ConfigError('numReturnSequences', `numReturnSequences (${numReturnSequences}) cannot exceed numBeams (${beams})`);
  }
  if (greedy && numReturnSequences > 1) {
    throw new ConfigError('numReturnSequences', `greedy decoding (temperature 0) gives ${numReturnSequences} identical sequences; sample (temperature > 0) or use beams`);
  }
  const seed = given('seed') ? int('seed', o.seed, 0, 2 ** 32 - 1) : Math.floor(Math.random() * 2 ** 32);
  if (given('logprobs') && typeof o.logprobs !== 'boolean') throw new ConfigError('logprobs', `logprobs must be true or false, got ${describeValue(o.logprobs)}`);
  const signal = o.signal;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) {
    throw new ConfigError('signal', `signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
  return {
    context, maxNewTokens, endTokens: new Set(endTokens), stopStrings, slide, slideKeep, greedy, beams, temperature, topK, topP,
    minP, repetitionPenalty, noRepeatNgramSize, lengthPenalty, earlyStopping: o.earlyStopping ?? false, numReturnSequences,
    seed, logprobs: o.logprobs ?? false, signal, maxLength,
  };
}
