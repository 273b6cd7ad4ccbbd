/**
 * Text generation over any model with the `SamplerModel` shape (the `GPT` class, or a `GPTEngine`'s
 * parameters): greedy decoding, sampling with temperature / top-k / top-p / min-p, repetition penalty,
 * n-gram blocking, beam search, stop conditions, streaming and cancellation.
 *
 * The model runs in an `InferenceSession` (KV cache, one incremental forward per token for all sequences
 * at once); everything after the logits (./logits.ts) is float64 TypeScript, so results depend only on the
 * logits and the seed. Generation is async: between tokens it yields to the event loop now and then
 * (every ~10 ms), so an AbortSignal can fire and a page stays responsive.
 */
import { ConfigError, WasmGptError, describeValue } from '../errors.js';
import { SeededRng } from '../data/rng.js';
import { InferenceSession } from '../model/inference.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { Distribution, applyScoreRules, argmax, largest, logProbOf, logSoftmax, logSumExp, type ScoreRules, type Truncation } from './logits.js';
import type { SamplerModel } from './model.js';
import {
  checkDefaults, resolveOptions, withDefaults, type FinishReason, type GenerateOptions, type GenerateResult, type GeneratedSequence,
  type GenerationChunk, type Resolved,
} from './options.js';
import { TextAssembler } from './text.js';
import { yieldToEventLoop } from '../yield.js';

export interface SamplerOptions {
  /** Turns text prompts into ids and generated ids into text; needed for text prompts and stop strings. */
  tokenizer?: Tokenizer;
  /** Options every call starts from (e.g. `fromPretrained`'s `generationConfig`); a call's own options win,
   * and a call that picks a strategy (temperature, topK, numBeams, ...) replaces the defaults' strategy. */
  defaults?: GenerateOptions;
}

/** How often a long generation gives the event loop a turn (abort signals, rendering, messages). */
const YIELD_EVERY_MS = 10;

export class Sampler<F = unknown, I = unknown> {
  readonly model: SamplerModel<F, I>;
  readonly tokenizer: Tokenizer | undefined;
  readonly defaults: GenerateOptions | undefined;
  #session: InferenceSession<F, I> | undefined;
  #busy = false;

  constructor(model: SamplerModel<F, I>, options: SamplerOptions = {}) {
    if (model === null || typeof model !== 'object' || !model.kernels || !model.config || !model.params) {
      throw new ConfigError('model', `Sampler needs { kernels, config, params } (a GPT), got ${describeValue(model)}`);
    }
    const tokenizer = options.tokenizer;
    if (tokenizer !== undefined && tokenizer.vocabSize > model.config.vocabSize) {
      throw new ConfigError('tokenizer', `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has ${model.config.vocabSize}`);
    }
    for (const key of Object.keys(options)) if (key !== 'tokenizer' && key !== 'defaults') throw new ConfigError(key, `Sampler options have no '${key}' (known: tokenizer, defaults)`);
    checkDefaults(options.defaults);
    this.model = model;
    this.tokenizer = tokenizer;
    this.defaults = options.defaults === undefined ? undefined : { ...options.defaults };
  }

  /** Generates and resolves with every sequence when all have ended. */
  async generate(options: GenerateOptions = {}): Promise<GenerateResult> {
    const r = resolveOptions(withDefaults(this.defaults, options), this.model.config, this.tokenizer);
    if (r.beams > 0) return this.#exclusive(() => this.#beamSearch(r));
    const it = this.#sample(r);
    for (;;) {
      const next = await it.next();
      if (next.done) return next.value;
    }
  }

  /**
   * Generates token by token: yields a chunk per generated token (of every sequence, in step order) and
   * returns the same result as `generate()`. Options are checked now, so mistakes throw here. Beam search
   * cannot stream (its sequences are not final until the end): use `generate()`.
   */
  stream(options: GenerateOptions = {}): AsyncGenerator<GenerationChunk, GenerateResult, undefined> {
    const r = resolveOptions(withDefaults(this.defaults, options), this.model.config, this.tokenizer);
    if (r.beams > 0) throw new ConfigError('numBeams', 'beam search cannot stream (beams change until the end): use generate()');
    return this.#sample(r);
  }

  /** Frees the KV cache and activations (the model itself is not touched). The sampler stays usable. */
  dispose(): void {
    this.#session?.free();
    this.#session = undefined;
  }

  async #exclusive<T>(run: () => Promise<T>): Promise<T> {
    this.#enter();
    try {
      return await run();
    } finally {
      this.#busy = false;
    }
  }

  #enter(): void {
    if (this.#busy) throw new WasmGptError('this Sampler is already generating: await the running generation (or use a second Sampler)');
    this.#busy = true;
  }

  /** A session with `batch` rows and room for `length` positions, reusing the last one when it fits. */
  #sessionFor(batch: number, length: number): InferenceSession<F, I> {
    const s = this.#session;
    if (s !== undefined && s.batch === batch && s.maxLength >= length) return s;
    s?.free();
    this.#session = new InferenceSession(this.model, { batch, maxLength: length, batchLabel: 'numReturnSequences (or numBeams)' });
    return this.#session;
  }

  /** Positions the cache needs: the context plus every generated token but the last (never fed back). */
  #cacheLength(r: Resolved): number {
    const blockSize = this.model.config.blockSize;
    return r.slide ? blockSize : Math.min(blockSize, r.context.length + r.maxLength - 1);
  }

  /** Slides the window when the cache is full (only reached with onContextFull: 'slide'). */
  #makeRoom(session: InferenceSession<F, I>, r: Resolved): boolean {
    if (session.length < this.model.config.blockSize) return false;
    session.slide(r.slideKeep);
    return true;
  }

  #finishReason(r: Resolved, generated: number): FinishReason {
    return generated >= r.maxNewTokens ? 'max-tokens' : 'context-full';
  }

  /** Greedy decoding and sampling: numReturnSequences independent rows in one batch. */
  async *#sample(r: Resolved): AsyncGenerator<GenerationChunk, GenerateResult, undefined> {
    this.#enter();
    try {
      const V = this.model.config.vocabSize;
      const R = r.numReturnSequences;
      const session = this.#sessionFor(R, this.#cacheLength(r));
      const rules: ScoreRules = r;
      const truncation: Truncation = r;
      const scores = new Float64Array(V);
      const seen = new Uint8Array(V);
      const dist = new Distribution(V);
      const rows = Array.from({ length: R }, (_, i) => ({
        tokens: [] as number[],
        context: [...r.context],
        logprobs: [] as number[],
        finish: undefined as FinishReason | undefined,
        text: this.tokenizer && new TextAssembler(this.tokenizer, r.stopStrings),
        // Each sample its own stream, so sample i does not depend on how many are drawn.
        rng: new SeededRng(r.seed + i * 2 ** 32),
      }));
      const next = new Int32Array(R);
      let slides = 0;
      let lastYield = performance.now();
      r.signal?.throwIfAborted();
      let logits = session.prefill(r.context);
      for (;;) {
        r.signal?.throwIfAborted();
        const chunks: GenerationChunk[] = [];
        rows.forEach((row, i) => {
          if (row.finish !== undefined) return;
          const rowLogits = logits.subarray(i * V, (i + 1) * V);
          applyScoreRules(scores, rowLogits, row.context, rules, seen);
          const token = r.greedy ? argmax(scores) : dist.build(scores, truncation).draw(row.rng.nextFloat());
          row.tokens.push(token);
          row.context.push(token);
          next[i] = token;
          let text = '';
          if (r.endTokens.has(token)) {
            row.finish = 'end-token';
            text = row.text?.finish() ?? '';
          } else {
            text = row.text?.push(token) ?? '';
            if (row.text?.stopped) row.finish = 'stop-string';
            else if (row.tokens.length >= r.maxLength) row.finish = this.#finishReason(r, row.tokens.length);
            if (row.finish !== undefined) text += row.text?.finish() ?? '';
          }
          const chunk: GenerationChunk = { sequence: i, token, text };
          if (r.logprobs) {
            chunk.logprob = logProbOf(rowLogits, token);
            row.logprobs.push(chunk.logprob);
          }
          if (row.finish !== undefined) chunk.finishReason = row.finish;
          chunks.push(chunk);
        });
        // Chunks are yielded after the step's sampling, so the logits buffer is not read across an await.
        for (const chunk of chunks) yield chunk;
        if (rows.every((row) => row.finish !== undefined)) break;
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
          r.signal?.throwIfAborted();
        }
        if (this.#makeRoom(session, r)) slides++;
        logits = session.forward(next); // finished rows feed their last token again: wasted, harmless
      }
      return {
        sequences: rows.map((row) => {
          const seq: GeneratedSequence = { tokens: row.tokens, finishReason: row.finish as FinishReason };
          if (row.text) seq.text = row.text.text;
          if (r.logprobs) seq.logprobs = row.logprobs;
          return seq;
        }),
        promptTokens: [...r.context],
        seed: r.seed,
        slides,
      };
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Beam search (Hugging Face's formulation): numBeams rows; at each step every beam proposes its best
   * continuations, the best (1 + #end tokens)·numBeams of all of them are ranked by total log-probability,
   * end tokens (and stop strings) among the top numBeams become finished hypotheses, and the best numBeams
   * other continuations are the next beams (their cache rows copied into place by `reorder`).
   */
  async #beamSearch(r: Resolved): Promise<GenerateResult> {
    const V = this.model.config.vocabSize;
    const B = r.beams;
    const session = this.#sessionFor(B, this.#cacheLength(r));
    const scores = new Float64Array(V);
    const logp = new Float64Array(V);
    const seen = new Uint8Array(V);
    const top = new Int32Array(V);
    const perBeam = Math.min(V, (1 + r.endTokens.size) * B);
    const lp = r.lengthPenalty;
    const score = (sum: number, length: number) => sum / length ** lp;

    interface Beam { tokens: number[]; context: number[]; sum: number; logprobs: number[] }
    interface Hypothesis { tokens: number[]; sum: number; score: number; logprobs: number[]; finish: FinishReason }
    let beams: Beam[] = [{ tokens: [], context: [...r.context], sum: 0, logprobs: [] }];
    let finished: Hypothesis[] = []; // the best B, best first
    const finish = (beam: Beam, token: number | undefined, sum: number, rawLogprob: number, reason: FinishReason) => {
      const tokens = token === undefined ? beam.tokens : [...beam.tokens, token];
      const logprobs = token === undefined ? beam.logprobs : [...beam.logprobs, rawLogprob];
      finished.push({ tokens, sum, score: score(sum, tokens.length), logprobs, finish: reason });
      finished.sort((a, b) => b.score - a.score); // stable: earlier hypotheses win ties
      if (finished.length > B) finished = finished.slice(0, B);
    };
    const stopped = (tokens: number[]) => {
      if (r.stopStrings.length === 0) return false;
      const text = (this.tokenizer as Tokenizer).decode(tokens);
      return r.stopStrings.some((s) => text.includes(s));
    };

    let slides = 0;
    let lastYield = performance.now();
    r.signal?.throwIfAborted();
    let logits = session.prefill(r.context);
    const feed = new Int32Array(B);
    for (let length = 1; ; length++) {
      r.signal?.throwIfAborted();
      const candidates: { beam: number; token: number; sum: number; raw: number }[] = [];
      beams.forEach((beam, i) => {
        const rowLogits = logits.subarray(i * V, (i + 1) * V);
        applyScoreRules(scores, rowLogits, beam.context, r, seen);
        logSoftmax(logp, scores);
        const rawLse = logSumExp(rowLogits);
        const n = largest(logp, perBeam, -Infinity, top);
        for (let j = 0; j < n; j++) {
          const token = top[j];
          candidates.push({ beam: i, token, sum: beam.sum + logp[token], raw: rowLogits[token] - rawLse });
        }
      });
      candidates.sort((a, b) => b.sum - a.sum || a.beam - b.beam || a.token - b.token);

      const chosen: typeof candidates = [];
      for (let rank = 0; rank < candidates.length && chosen.length < B; rank++) {
        const c = candidates[rank];
        const beam = beams[c.beam];
        const isEnd = r.endTokens.has(c.token);
        if (isEnd || stopped([...beam.tokens, c.token])) {
          // As in Hugging Face: an ending ranked below the top B is not a hypothesis this step.
          if (rank < B) finish(beam, c.token, c.sum, c.raw, isEnd ? 'end-token' : 'stop-string');
          continue;
        }
        chosen.push(c);
      }
      const extend = (c: (typeof candidates)[number]): Beam => {
        const parent = beams[c.beam];
        return { tokens: [...parent.tokens, c.token], context: [...parent.context, c.token], sum: c.sum, logprobs: [...parent.logprobs, c.raw] };
      };
      if (length >= r.maxLength) {
        for (const c of chosen) finish(extend(c), undefined, c.sum, 0, this.#finishReason(r, length));
        break;
      }
      if (chosen.length === 0) break;
      if (finished.length >= B) {
        if (r.earlyStopping) break;
        // Can a running beam still beat the worst kept hypothesis? Log-probabilities are ≤ 0, so a beam's
        // sum only falls; its best score is at the longest length when lengthPenalty > 0, else the shortest.
        const bestLength = lp > 0 ? r.maxLength : length + 1;
        const best = Math.max(...chosen.map((c) => score(c.sum, bestLength)));
        if (best <= finished[finished.length - 1].score) break;
      }

      const order = Array.from({ length: B }, (_, i) => (i < chosen.length ? chosen[i].beam : i));
      beams = chosen.map(extend);
      session.reorder(order);
      feed.fill(0);
      chosen.forEach((c, i) => (feed[i] = c.token));
      if (performance.now() - lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
        r.signal?.throwIfAborted();
      }
      if (this.#makeRoom(session, r)) slides++;
      logits = session.forward(feed);
    }

    const sequences = finished.slice(0, r.numReturnSequences).map((h) => {
      const seq: GeneratedSequence = { tokens: h.tokens, finishReason: h.finish, score: h.score };
      if (this.tokenizer) seq.text = textOf(this.tokenizer, h.tokens, h.finish, r.stopStrings);
      if (r.logprobs) seq.logprobs = h.logprobs;
      return seq;
    });
    return { sequences, promptTokens: [...r.context], slides };
  }
}

/** A finished sequence's text, as streaming would have assembled it. */
function textOf(tokenizer: Tokenizer, tokens: number[], finish: FinishReason, stopStrings: string[]): string {
  const text = new TextAssembler(tokenizer, stopStrings);
  const body = finish === 'end-token' ? tokens.slice(0, -1) : tokens;
  for (const t of body) text.push(t);
  text.finish();
  return text.text;
}
