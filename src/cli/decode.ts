/**
 * The CLI's decoding flags mapped onto the `Sampler` (KV cache, every strategy). Kept as a small adapter so the
 * `sample` command and the demo share one mapping.
 */
import type { QuantizedGPT } from '../model/quantized.js';
import type { GPT } from '../model/gpt.js';
import { Sampler } from '../sampler/sampler.js';
import type { GenerateOptions } from '../sampler/options.js';
import type { Tokenizer } from '../tokenizer/types.js';

export interface DecodeOptions {
  maxNewTokens: number;
  /** 0 = greedy (argmax). */
  temperature: number;
  /** 0 = off. */
  topK: number;
  /** 1 = off. */
  topP: number;
  /** 0 = off; drops tokens less likely than minP × the most likely one. */
  minP: number;
  /** 1 = off; > 1 divides positive logits (multiplies negative ones) of tokens already in the context. */
  repetitionPenalty: number;
  /** 0 = off; never produce an n-gram of this size already in the context. */
  noRepeatNgramSize: number;
  /** Beam search with this many beams when > 1 (deterministic; temperature/top-k/top-p do not apply). */
  numBeams: number;
  /** Beam score = log-prob sum / length^lengthPenalty. */
  lengthPenalty: number;
  /** Stop when the generated text contains one of these (the stop string is not printed). */
  stop: string[];
  seed: number;
  /** Beam search: stop once numBeams sequences have ended (else search on while a beam can still win). */
  earlyStopping: boolean;
  /** When the context fills: slide the window (keep generating) or stop. */
  onContextFull: 'slide' | 'stop';
}

export const DEFAULT_DECODE: DecodeOptions = {
  maxNewTokens: 200, temperature: 1, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1, noRepeatNgramSize: 0, numBeams: 1, lengthPenalty: 1, stop: [], seed: 0,
  earlyStopping: false, onContextFull: 'slide',
};

/** The Sampler's options for these flags. An empty prompt starts from the tokenizer's end-of-text token. */
export function toGenerateOptions(prompt: string, options: Partial<DecodeOptions>, signal?: AbortSignal): GenerateOptions {
  const o = { ...DEFAULT_DECODE, ...options };
  const common: GenerateOptions = {
    prompt: prompt === '' ? undefined : prompt,
    maxNewTokens: o.maxNewTokens,
    stopStrings: o.stop,
    repetitionPenalty: o.repetitionPenalty,
    noRepeatNgramSize: o.noRepeatNgramSize,
    onContextFull: o.onContextFull,
    signal,
  };
  if (o.numBeams > 1) return { ...common, numBeams: o.numBeams, lengthPenalty: o.lengthPenalty, earlyStopping: o.earlyStopping };
  if (o.temperature === 0) return { ...common, temperature: 0 };
  return { ...common, temperature: o.temperature, topK: o.topK, topP: o.topP, minP: o.minP, seed: o.seed >>> 0 };
}

/**
 * Streams decoded text pieces (UTF-8 safe across tokens) until maxNewTokens, a stop string or the end token.
 * Beam search cannot stream (beams change until the end), so with numBeams > 1 it yields the best text once.
 */
export async function* generateText(gpt: GPT | QuantizedGPT, tokenizer: Tokenizer, prompt: string, options: Partial<DecodeOptions> = {}, signal?: AbortSignal): AsyncGenerator<string> {
  const sampler = new Sampler(gpt, { tokenizer });
  try {
    const generate = toGenerateOptions(prompt, options, signal);
    if (generate.numBeams !== undefined) {
      yield (await sampler.generate(generate)).sequences[0].text ?? '';
      return;
    }
    for await (const chunk of sampler.stream(generate)) if (chunk.text) yield chunk.text;
  } finally {
    sampler.dispose();
  }
}
