/**
 * Text generation for the CLI and the demo, over `GPT.forward` (a full forward of the context window per
 * token: fine for the small models the CLI trains).
 *
 * Stand-in: the `Sampler` (src/sampler/, with a KV cache) is being built in parallel; when it lands, the CLI
 * calls it instead and this file goes. The option names follow the Sampler's issue so the swap is mechanical.
 */
import { SeededRng } from '../data/rng.js';
import type { GPT } from '../model/gpt.js';
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
}

export const DEFAULT_DECODE: DecodeOptions = {
  maxNewTokens: 200, temperature: 1, topK: 0, topP: 1, minP: 0, repetitionPenalty: 1, noRepeatNgramSize: 0, numBeams: 1, lengthPenalty: 1, stop: [], seed: 0,
};

function lastLogits(gpt: GPT, ids: number[]): Float32Array {
  const ctx = ids.slice(-gpt.config.blockSize);
  const V = gpt.config.vocabSize;
  return gpt.forward(ctx, 1, ctx.length).subarray((ctx.length - 1) * V, ctx.length * V);
}

function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  return Float64Array.from(logits, (v) => v - lse);
}

/** Ids that would repeat an n-gram of the context: the followers of every earlier occurrence of its last n-1 ids. */
function bannedByNgram(context: number[], n: number): Set<number> {
  const banned = new Set<number>();
  if (n <= 0 || context.length < n - 1) return banned;
  const tail = context.slice(context.length - (n - 1));
  for (let i = 0; i + n <= context.length; i++) {
    let match = true;
    for (let j = 0; j < n - 1 && match; j++) match = context[i + j] === tail[j];
    if (match) banned.add(context[i + n - 1]);
  }
  return banned;
}

/**
 * Picks the next id: repetition penalty, n-gram ban → temperature → top-k → top-p → min-p → renormalise →
 * sample, or argmax at temperature 0.
 */
export function pickToken(logits: Float32Array, context: number[], o: DecodeOptions, rng: SeededRng): number {
  const scores = Float64Array.from(logits);
  if (o.repetitionPenalty !== 1) {
    for (const id of new Set(context)) scores[id] = scores[id] > 0 ? scores[id] / o.repetitionPenalty : scores[id] * o.repetitionPenalty;
  }
  for (const id of bannedByNgram(context, o.noRepeatNgramSize)) scores[id] = -Infinity;
  if (o.temperature === 0) {
    let best = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
    return best;
  }
  let order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  if (o.topK > 0) order = order.slice(0, o.topK);
  const max = scores[order[0]];
  let probs = order.map((i) => Math.exp((scores[i] - max) / o.temperature));
  let total = probs.reduce((a, b) => a + b, 0);
  if (o.topP < 1) {
    let cum = 0;
    let keep = 0;
    while (keep < probs.length && cum < o.topP * total) cum += probs[keep++];
    order = order.slice(0, Math.max(1, keep));
    probs = probs.slice(0, order.length);
    total = probs.reduce((a, b) => a + b, 0);
  }
  if (o.minP > 0) {
    // probs[0] is the most likely token's (unnormalised) weight.
    const keep = Math.max(1, probs.filter((p) => p >= o.minP * probs[0]).length);
    order = order.slice(0, keep);
    probs = probs.slice(0, keep);
    total = probs.reduce((a, b) => a + b, 0);
  }
  let r = rng.nextFloat() * total;
  for (let i = 0; i < order.length; i++) {
    r -= probs[i];
    if (r < 0) return order[i];
  }
  return order[order.length - 1];
}

/** Streams decoded text pieces (UTF-8 safe across tokens) until maxNewTokens, a stop string or the end token. */
export async function* generateText(gpt: GPT, tokenizer: Tokenizer, prompt: string, options: Partial<DecodeOptions> = {}, signal?: AbortSignal): AsyncGenerator<string> {
  const o = { ...DEFAULT_DECODE, ...options };
  if (o.numBeams > 1) {
    yield beamSearch(gpt, tokenizer, prompt, o);
    return;
  }
  const ids = promptIds(tokenizer, prompt);
  const rng = new SeededRng(o.seed);
  const utf8 = new TextDecoder();
  let text = '';
  let emitted = 0;
  // Hold back as many characters as the longest stop string, minus one, so a stop string split over tokens never leaks.
  const holdBack = Math.max(0, ...o.stop.map((s) => s.length - 1));
  for (let n = 0; n < o.maxNewTokens && !signal?.aborted; n++) {
    const id = pickToken(lastLogits(gpt, ids), ids, o, rng);
    if (id === tokenizer.eotId) break;
    ids.push(id);
    text += utf8.decode(tokenizer.decodeBytes([id]), { stream: true });
    const stopAt = firstStop(text, o.stop);
    if (stopAt >= 0) {
      if (stopAt > emitted) yield text.slice(emitted, stopAt);
      return;
    }
    const safe = text.length - holdBack;
    if (safe > emitted) {
      yield text.slice(emitted, safe);
      emitted = safe;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  text += utf8.decode();
  if (text.length > emitted) yield text.slice(emitted);
}

function firstStop(text: string, stops: string[]): number {
  let at = -1;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

function promptIds(tokenizer: Tokenizer, prompt: string): number[] {
  const ids = tokenizer.encode(prompt);
  if (ids.length > 0) return ids;
  if (tokenizer.eotId === undefined) throw new RangeError('an empty prompt needs a tokenizer with an end-of-text token to start from');
  return [tokenizer.eotId];
}

/** Beam search: keeps the `numBeams` best partial sequences by summed log-probability; returns the best text. */
export function beamSearch(gpt: GPT, tokenizer: Tokenizer, prompt: string, options: Partial<DecodeOptions> = {}): string {
  const o = { ...DEFAULT_DECODE, ...options };
  const start = promptIds(tokenizer, prompt);
  const score = (b: { logp: number; len: number }) => b.logp / Math.max(1, b.len) ** o.lengthPenalty;
  let beams = [{ ids: start, logp: 0, len: 0 }];
  const finished: typeof beams = [];
  for (let n = 0; n < o.maxNewTokens && beams.length > 0; n++) {
    const candidates: typeof beams = [];
    for (const beam of beams) {
      const lp = logSoftmax(lastLogits(gpt, beam.ids));
      const top = Array.from(lp.keys()).sort((a, b) => lp[b] - lp[a]).slice(0, o.numBeams);
      for (const id of top) candidates.push({ ids: [...beam.ids, id], logp: beam.logp + lp[id], len: beam.len + 1 });
    }
    candidates.sort((a, b) => score(b) - score(a));
    beams = [];
    for (const c of candidates) {
      if (beams.length === o.numBeams) break;
      const last = c.ids[c.ids.length - 1];
      const text = tokenizer.decode(c.ids.slice(start.length));
      if (last === tokenizer.eotId || firstStop(text, o.stop) >= 0) finished.push(c);
      else beams.push(c);
    }
  }
  const best = [...finished, ...beams].sort((a, b) => score(b) - score(a))[0];
  const text = tokenizer.decode(best.ids.slice(start.length).filter((id) => id !== tokenizer.eotId));
  const stopAt = firstStop(text, o.stop);
  return stopAt >= 0 ? text.slice(0, stopAt) : text;
}
