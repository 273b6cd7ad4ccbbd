/**
 * The Hugging Face files that sit beside the weights, and what they mean here:
 *
 *   generation_config.json   transformers' GenerationConfig ⇄ the Sampler's options (`GenerateOptions`)
 *   tokenizer.json           the tokenizer's `save()` (a Hugging Face tokenizer.json for byte-level BPE)
 *   tokenizer_config.json    the tokenizer's class and its special tokens, as transformers writes them
 *   config.json              bos_token_id / eos_token_id (the rest is ./hf-gpt2.ts)
 *
 * Reading a generation config follows transformers' own defaults, not the Sampler's: `do_sample` absent or
 * false means greedy decoding (temperature 0), and `do_sample: true` without `top_k` means top-k 50. Writing
 * states every value that differs from transformers' defaults, so `model.generate()` in Python and
 * `sampler.generate()` here decode the same way.
 */
import { ConfigError, FormatError, describeValue } from '../errors.js';
import type { ModelDims } from '../model/layout.js';
import { resolveOptions, type GenerateOptions } from '../sampler/options.js';
import { ByteLevelBPETokenizer } from '../tokenizer/bpe.js';
import { loadTokenizer } from '../tokenizer/load.js';
import type { Tokenizer } from '../tokenizer/types.js';

export const HF_EXTRA_FILES = {
  generationConfig: 'generation_config.json',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
} as const;

/** What a checkpoint can carry besides the model: written by `encodeCheckpoint`, read by `fromPretrained`. */
export interface CheckpointExtras {
  /** Saved as tokenizer.json + tokenizer_config.json; its end-of-text id becomes bos/eos_token_id. */
  tokenizer?: Tokenizer;
  /** Saved as generation_config.json (default: the Sampler's defaults, stated explicitly). */
  generationConfig?: GenerateOptions;
}

/** The GenerateOptions keys a generation_config.json can hold, and their transformers names. */
const TO_HF = {
  maxNewTokens: 'max_new_tokens',
  temperature: 'temperature',
  topK: 'top_k',
  topP: 'top_p',
  minP: 'min_p',
  repetitionPenalty: 'repetition_penalty',
  noRepeatNgramSize: 'no_repeat_ngram_size',
  numBeams: 'num_beams',
  lengthPenalty: 'length_penalty',
  earlyStopping: 'early_stopping',
  numReturnSequences: 'num_return_sequences',
  endTokens: 'eos_token_id',
  stopStrings: 'stop_strings',
} as const satisfies Partial<Record<keyof GenerateOptions, string>>;

/**
 * transformers keys that never change which tokens come out (bookkeeping, output format, caching), or that we
 * take from elsewhere (bos: the tokenizer's end-of-text starts an empty prompt; max_length: see README).
 */
const INERT = new Set([
  'transformers_version', '_from_model_config', 'use_cache', 'cache_implementation', 'output_attentions',
  'output_hidden_states', 'output_scores', 'output_logits', 'return_dict_in_generate', 'pad_token_id',
  'bos_token_id', 'decoder_start_token_id', 'max_length', 'max_time', 'renormalize_logits', 'remove_invalid_values',
  'return_legacy_cache', 'is_assistant', 'num_assistant_tokens', 'num_assistant_tokens_schedule',
]);

/** Settings the Sampler cannot honour, with the value that means "off" (accepted). */
const UNSUPPORTED: Record<string, unknown> = {
  typical_p: 1, epsilon_cutoff: 0, eta_cutoff: 0, diversity_penalty: 0, num_beam_groups: 1, min_length: 0,
  min_new_tokens: null, bad_words_ids: null, force_words_ids: null, constraints: null, sequence_bias: null,
  suppress_tokens: null, begin_suppress_tokens: null, forced_bos_token_id: null, forced_eos_token_id: null,
  exponential_decay_length_penalty: null, guidance_scale: null, penalty_alpha: null, low_memory: null,
  encoder_repetition_penalty: 1, encoder_no_repeat_ngram_size: 0, token_healing: false, watermarking_config: null,
  dola_layers: null,
};

/**
 * A parsed generation_config.json (or, for a checkpoint without one, config.json, as transformers derives it)
 * as Sampler defaults. Every value is checked. A setting the
 * Sampler cannot honour (typical_p, beam-sample, ...) is a FormatError naming it rather than silently decoding
 * differently from transformers.
 */
export function generationConfigFromHF(json: unknown, vocabSize: number, source: string = HF_EXTRA_FILES.generationConfig): GenerateOptions {
  const fail = (msg: string): never => {
    throw new FormatError(`${source}: ${msg}`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('not a JSON object');
  const c = json as Record<string, unknown>;
  const has = (key: string) => c[key] !== undefined && c[key] !== null;
  for (const [key, off] of Object.entries(UNSUPPORTED)) {
    if (has(key) && JSON.stringify(c[key]) !== JSON.stringify(off)) {
      fail(`${key} = ${JSON.stringify(c[key])} is not supported by the wasm-gpt Sampler (only ${JSON.stringify(off)})`);
    }
  }
  const num = (key: string, ok: (x: number) => boolean, what: string): number => {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) fail(`${key} must be ${what}, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const int = (key: string, min: number): number => num(key, (x) => Number.isInteger(x) && x >= min, `an integer ≥ ${min}`);
  const out: GenerateOptions = {};

  if (has('do_sample') && typeof c.do_sample !== 'boolean') fail(`do_sample must be true or false, got ${JSON.stringify(c.do_sample)}`);
  const sample = c.do_sample === true;
  const beams = has('num_beams') ? int('num_beams', 1) : 1;
  if (beams > 1) {
    if (sample) fail(`do_sample with num_beams ${beams} (beam-search sampling) is not supported`);
    out.numBeams = beams;
    if (has('length_penalty')) out.lengthPenalty = num('length_penalty', () => true, 'a finite number');
    if (has('early_stopping')) {
      const e = c.early_stopping;
      // transformers' "never" is our false (go on until no beam can win); its false is a cheaper heuristic
      // that can only stop earlier, and our false never returns a worse sequence.
      if (e !== true && e !== false && e !== 'never') fail(`early_stopping must be true, false or "never", got ${JSON.stringify(e)}`);
      out.earlyStopping = e === true;
    }
  } else if (sample) {
    out.temperature = has('temperature') ? num('temperature', (x) => x > 0, 'a number > 0 with do_sample') : 1;
    out.topK = has('top_k') ? int('top_k', 0) : 50; // transformers' default, applied whenever do_sample is on
    if (has('top_p')) out.topP = num('top_p', (x) => x > 0 && x <= 1, 'in (0, 1]');
    if (has('min_p')) out.minP = num('min_p', (x) => x >= 0 && x <= 1, 'in [0, 1]');
  } else {
    out.temperature = 0;
  }
  if (has('max_new_tokens')) out.maxNewTokens = int('max_new_tokens', 1);
  if (has('repetition_penalty')) out.repetitionPenalty = num('repetition_penalty', (x) => x > 0, 'a number > 0');
  if (has('no_repeat_ngram_size')) out.noRepeatNgramSize = int('no_repeat_ngram_size', 0);
  if (has('num_return_sequences')) {
    const n = int('num_return_sequences', 1);
    if (n > 1) out.numReturnSequences = n;
  }
  if (has('eos_token_id')) out.endTokens = tokenIds(c.eos_token_id, 'eos_token_id', vocabSize, fail);
  if (has('stop_strings')) {
    const s = c.stop_strings;
    const list = typeof s === 'string' ? [s] : s;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' && x.length > 0)) fail(`stop_strings must be a string or a list of them, got ${JSON.stringify(s)}`);
    out.stopStrings = list as string[];
  }
  return out;
}

/**
 * eos ids as end tokens. Ids past the vocabulary are dropped, not refused: transformers' GPT2Config defaults to
 * 50256, so small-vocabulary models trained with it carry that id, and a token the model cannot produce never
 * ends a sequence there either (all dropped: `[]`, no end token, as in transformers).
 */
function tokenIds(v: unknown, key: string, vocabSize: number, fail: (msg: string) => never): number[] {
  const list = Array.isArray(v) ? v : [v];
  for (const id of list) if (!Number.isSafeInteger(id) || id < 0) fail(`${key} ${JSON.stringify(v)} is not a token id (a non-negative integer or a list of them)`);
  return (list as number[]).filter((id) => id < vocabSize);
}

/** Options that decode the same but cannot be stated in a generation config (per call only). */
const PER_CALL = ['prompt', 'bos', 'seed', 'logprobs', 'signal', 'onContextFull', 'slideKeep'] as const;

/**
 * Sampler defaults as a generation_config.json object. Greedy (temperature 0) and beam search are written with
 * `do_sample: false`; sampling states temperature and top_k (transformers would otherwise apply top-k 50) and
 * max_new_tokens (transformers' own default stops at 20 tokens in all). Per-call options (prompt, seed,
 * signal, ...) are a ConfigError: they have no place in the file.
 */
export function generationConfigToHF(options: GenerateOptions, eotId: number | undefined): Record<string, unknown> {
  for (const key of Object.keys(options)) {
    if ((options as Record<string, unknown>)[key] === undefined) continue;
    if ((PER_CALL as readonly string[]).includes(key)) throw new ConfigError(key, `generationConfig.${key} is a per-call option and cannot be saved in generation_config.json`);
    if (!(key in TO_HF)) throw new ConfigError(key, `generationConfig has no option ${JSON.stringify(key)}`);
  }
  const o = options;
  const out: Record<string, unknown> = {};
  if (eotId !== undefined) out.bos_token_id = eotId;
  const eos = o.endTokens === undefined ? eotId : typeof o.endTokens === 'number' ? o.endTokens : o.endTokens.length === 1 ? o.endTokens[0] : [...o.endTokens];
  if (eos !== undefined) out.eos_token_id = eos;
  if (o.numBeams === 1) {
    // Our one-beam search can run past an end token; transformers' num_beams 1 is plain greedy decoding.
    throw new ConfigError('numBeams', 'numBeams 1 cannot be saved: in generation_config.json num_beams 1 means greedy decoding (temperature: 0); use that, or numBeams ≥ 2');
  }
  if (o.numBeams !== undefined) {
    out.do_sample = false;
    out.num_beams = o.numBeams;
    if (o.lengthPenalty !== undefined) out.length_penalty = o.lengthPenalty;
    out.early_stopping = o.earlyStopping === true ? true : 'never';
  } else if (o.temperature === 0) {
    out.do_sample = false;
  } else {
    out.do_sample = true;
    out.temperature = o.temperature ?? 1;
    out.top_k = o.topK ?? 0;
    if (o.topP !== undefined) out.top_p = o.topP;
    if (o.minP !== undefined) out.min_p = o.minP;
  }
  out.max_new_tokens = o.maxNewTokens ?? 100;
  if (o.repetitionPenalty !== undefined) out.repetition_penalty = o.repetitionPenalty;
  if (o.noRepeatNgramSize !== undefined) out.no_repeat_ngram_size = o.noRepeatNgramSize;
  if (o.numReturnSequences !== undefined) out.num_return_sequences = o.numReturnSequences;
  if (o.stopStrings !== undefined && o.stopStrings.length > 0) out.stop_strings = [...o.stopStrings];
  return out;
}

/** The special-token string of the tokenizer's end-of-text id (undefined when it has none). */
function eotToken(tokenizer: Tokenizer): string | undefined {
  for (const [token, id] of tokenizer.specialTokens) if (id === tokenizer.eotId) return token;
  return undefined;
}

/**
 * tokenizer_config.json as transformers' GPT-2 tokenizer writes it. A char tokenizer's tokenizer.json is our
 * own format, so it names no transformers class (transformers cannot load it; this library can).
 */
export function tokenizerConfigToHF(tokenizer: Tokenizer, blockSize: number): Record<string, unknown> {
  const eot = eotToken(tokenizer) ?? null;
  const out: Record<string, unknown> = {};
  if (tokenizer instanceof ByteLevelBPETokenizer) out.tokenizer_class = 'GPT2Tokenizer';
  Object.assign(out, {
    model_max_length: blockSize,
    bos_token: eot,
    eos_token: eot,
    unk_token: eot,
    add_prefix_space: false,
    clean_up_tokenization_spaces: false,
  });
  return out;
}

/**
 * A tokenizer from tokenizer.json, with the end-of-text token named by tokenizer_config.json's `eos_token`
 * when there is one (a string or transformers' `{ "content": ... }` form).
 */
export function tokenizerFromHF(tokenizerJson: unknown, tokenizerConfig: unknown, source: string): Tokenizer {
  let eos: string | undefined;
  if (tokenizerConfig !== undefined) {
    if (typeof tokenizerConfig !== 'object' || tokenizerConfig === null) throw new FormatError(`${source}/${HF_EXTRA_FILES.tokenizerConfig}: not a JSON object`);
    const e = (tokenizerConfig as Record<string, unknown>).eos_token;
    const content = typeof e === 'object' && e !== null ? (e as Record<string, unknown>).content : e;
    if (content !== undefined && content !== null && typeof content !== 'string') {
      throw new FormatError(`${source}/${HF_EXTRA_FILES.tokenizerConfig}: eos_token must be a string, got ${describeValue(content)}`);
    }
    eos = content ?? undefined;
  }
  const isBPE = typeof tokenizerJson === 'object' && tokenizerJson !== null && 'model' in tokenizerJson;
  try {
    return isBPE && eos !== undefined
      ? ByteLevelBPETokenizer.fromTokenizerJson(tokenizerJson, { eotToken: eos })
      : loadTokenizer(tokenizerJson as object);
  } catch (e) {
    if (e instanceof Error && !e.message.includes(source)) e.message = `${source}/${HF_EXTRA_FILES.tokenizer}: ${e.message}`;
    throw e;
  }
}

/** config.json's bos_token_id / eos_token_id from the tokenizer (null when it has no end-of-text token). */
export function specialIdsToHF(tokenizer: Tokenizer | undefined): { bos_token_id: number | null; eos_token_id: number | null } {
  const id = tokenizer?.eotId ?? null;
  return { bos_token_id: id, eos_token_id: id };
}

/** The files `extras` adds to a checkpoint of a model with these dims. */
export function encodeExtras(dims: ModelDims, extras: CheckpointExtras): Map<string, Uint8Array> {
  const text = new TextEncoder();
  const json = (v: unknown) => text.encode(JSON.stringify(v, null, 2) + '\n');
  const files = new Map<string, Uint8Array>();
  const { tokenizer } = extras;
  if (tokenizer !== undefined && tokenizer.vocabSize > dims.vocabSize) {
    throw new ConfigError('tokenizer', `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has ${dims.vocabSize}`);
  }
  const generation = extras.generationConfig ?? {};
  const hf = generationConfigToHF(generation, tokenizer?.eotId);
  // The same checks as a generate() call (bos stands in for the prompt a saved config never has), so a
  // checkpoint never carries defaults that every later call would reject. A one-token context fits no bos.
  if (extras.generationConfig !== undefined && dims.blockSize > 1) resolveOptions({ ...generation, bos: 0 }, dims, tokenizer);
  files.set(HF_EXTRA_FILES.generationConfig, json(hf));
  if (tokenizer !== undefined) {
    files.set(HF_EXTRA_FILES.tokenizer, text.encode(tokenizer.save()));
    files.set(HF_EXTRA_FILES.tokenizerConfig, json(tokenizerConfigToHF(tokenizer, dims.blockSize)));
  }
  return files;
}

/** What `decodeExtras` finds beside the weights. */
export interface DecodedExtras {
  tokenizer?: Tokenizer;
  /** Sampler defaults: generation_config.json, or config.json's eos_token_id when there is none. */
  generationConfig: GenerateOptions;
}

/**
 * Reads the optional files of a checkpoint (see `HF_EXTRA_FILES`). Without generation_config.json the
 * defaults come from config.json the way transformers derives them: greedy, ending at `eos_token_id`.
 */
export function decodeExtras(get: (name: string) => Uint8Array | undefined, dims: ModelDims, source: string): DecodedExtras {
  const json = (name: string): unknown => {
    const bytes = get(name);
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (e) {
      throw new FormatError(`${source}/${name}: not valid JSON (${(e as Error).message})`);
    }
  };
  const tokenizerJson = json(HF_EXTRA_FILES.tokenizer);
  const tokenizer = tokenizerJson === undefined ? undefined : tokenizerFromHF(tokenizerJson, json(HF_EXTRA_FILES.tokenizerConfig), source);
  if (tokenizer !== undefined && tokenizer.vocabSize > dims.vocabSize) {
    throw new FormatError(`${source}/${HF_EXTRA_FILES.tokenizer}: the tokenizer has ${tokenizer.vocabSize} tokens but config.json's vocab_size is ${dims.vocabSize}`);
  }
  const generation = json(HF_EXTRA_FILES.generationConfig);
  let generationConfig: GenerateOptions;
  if (generation !== undefined) {
    generationConfig = generationConfigFromHF(generation, dims.vocabSize, `${source}/${HF_EXTRA_FILES.generationConfig}`);
  } else {
    const config = json('config.json') as Record<string, unknown> | undefined;
    generationConfig = generationConfigFromHF({ eos_token_id: config?.eos_token_id }, dims.vocabSize, `${source}/config.json`);
  }
  return { tokenizer, generationConfig };
}
