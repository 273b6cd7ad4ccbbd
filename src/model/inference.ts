/**
 * Incremental inference with a KV cache: the prompt goes through the model in one batched forward (prefill),
 * then each new token costs one forward of B rows whose attention reads the keys and values cached for every
 * earlier position, instead of re-running the whole context (what llm.c's sampler does, and says so).
 * Logits are computed for the last position of each row only (nanoGPT's inference-time shortcut).
 *
 * The blocks are `GPTEngine.forward`'s own (`blockForward`, block.ts: pre/post-norm, GELU/ReLU, biases or
 * not), over a few buffers reused by every layer, with `kvAttentionForward` in place of `attentionForward`
 * and positions offset by what is already cached. No dropout: this is inference.
 *
 * Memory, allocated once in the kernels' memory (floats):
 *   KV cache     L·B·2·maxT·C          (per layer (B, 2, NH, maxT, hs): keys then values, head-major)
 *   activations  R·(15·C + 2) + B·(C + V)   for R = rows per forward (`maxRows`), reused by every layer
 * e.g. GPT-2 124M (L=12, C=768, V=50257) at B=1, maxT=1024: 75 MB of cache and 47 MB of activations.
 */
import { DisposedError, ShapeError, describeValue } from '../errors.js';
import { checkSessionMemory } from './memory.js';
import type { Kernels } from '../kernels/types.js';
import type { SamplerModel } from '../sampler/model.js';
import { blockForward, linearForward, modelViews, type BlockAttention, type BlockBuffers, type ModelViews } from './block.js';
import { paramLayout, q8Layout, type ModelDims } from './layout.js';

export interface InferenceOptions {
  /** Sequences decoded side by side: the cache's rows. Default 1. */
  batch?: number;
  /** Positions the cache holds, at most the model's blockSize (the default). */
  maxLength?: number;
  /** Most rows (sequences × new tokens) one forward processes; a longer prefill runs in chunks of this many.
   * Default max(batch, min(batch·maxLength, 1024)). Activation memory is proportional to it. */
  maxRows?: number;
  /** @internal What set `batch`, for the memory error (the Sampler passes 'numReturnSequences (or numBeams)'). */
  batchLabel?: string;
}

/** Floats of KV cache for these dimensions: L·B·2·maxT·C. */
export function kvCacheFloats(dims: ModelDims, batch: number, maxLength: number): number {
  return dims.nLayer * batch * 2 * maxLength * dims.nEmbd;
}

function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ShapeError(`InferenceSession: ${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

export class InferenceSession<F, I> {
  readonly batch: number;
  readonly maxLength: number;
  readonly maxRows: number;
  readonly #k: Kernels<F, I>;
  readonly #d: ModelDims;
  readonly #cache: F;
  readonly #kvLayer: F[];
  readonly #P: ModelViews<F>;
  readonly #positions: F; // wpe, or the sinusoidal table
  readonly #ownedPositions: F | undefined;
  readonly #act: Record<'x' | 'ln' | 'qkv' | 'atty' | 'proj' | 'fch' | 'fchAct' | 'mean' | 'rstd' | 'final' | 'logits', F>;
  /** The block's buffers, aliased onto #act (see `BlockBuffers`) and shared by every layer. */
  readonly #block: BlockBuffers<F>;
  readonly #attention: BlockAttention<F>;
  /** Shape of the forward in progress, read by #attention. */
  #stepRows = 0;
  #stepTq = 0;
  readonly #tokens: I;
  readonly #order: I;
  readonly #logits: Float32Array;
  /** Tokens fed so far, row b at [b·maxLength, b·maxLength + length). */
  readonly #history: Int32Array;
  #length = 0;
  #freed = false;

  constructor(model: SamplerModel<F, I>, options: InferenceOptions = {}) {
    const k = model.kernels;
    const d = model.config;
    const { nLayer: L, nEmbd: C, vocabSize: V } = d;
    this.#k = k;
    this.#d = d;
    this.batch = positiveInt('batch', options.batch ?? 1);
    this.maxLength = positiveInt('maxLength', options.maxLength ?? d.blockSize);
    if (this.maxLength > d.blockSize) {
      throw new ShapeError(`InferenceSession: maxLength ${this.maxLength} exceeds the model's blockSize ${d.blockSize}`);
    }
    const B = this.batch;
    this.maxRows = positiveInt('maxRows', options.maxRows ?? Math.max(B, Math.min(B * this.maxLength, 1024)));
    if (this.maxRows < B) throw new ShapeError(`InferenceSession: maxRows ${this.maxRows} is less than batch ${B} (one decode step needs ${B} rows)`);

    const layout = model.dtype === 'q8' ? q8Layout(d) : paramLayout(d);
    const have = (model.params as { length?: number }).length;
    if (have !== undefined && have !== layout.total) {
      throw new ShapeError(`InferenceSession: params has ${have} floats, the ${layout.dtype ?? 'f32'} layout of this config needs ${layout.total}`);
    }
    this.#P = modelViews(k, d, layout, model.params);
    if (this.#P.wpe !== null) {
      this.#positions = this.#P.wpe;
    } else {
      this.#ownedPositions = this.#positions = k.alloc(this.maxLength * C);
      k.positionalSinusoidal(this.#positions, this.maxLength, C);
    }

    checkSessionMemory(d, B, this.maxLength, this.maxRows, options.batchLabel ?? 'batch');
    const layerFloats = B * 2 * this.maxLength * C;
    this.#cache = k.alloc(kvCacheFloats(d, B, this.maxLength));
    this.#kvLayer = Array.from({ length: L }, (_, l) => k.view(this.#cache, l * layerFloats, layerFloats));
    const R = this.maxRows;
    this.#act = {
      x: k.alloc(R * C), ln: k.alloc(R * C), qkv: k.alloc(R * 3 * C), atty: k.alloc(R * C), proj: k.alloc(R * C),
      fch: k.alloc(R * 4 * C), fchAct: k.alloc(R * 4 * C), mean: k.alloc(R), rstd: k.alloc(R),
      final: k.alloc(B * C), logits: k.alloc(B * V),
    };
    const { x, ln, qkv, atty, proj, fch, fchAct, mean, rstd } = this.#act;
    const shared = { ln1Mean: mean, ln1Rstd: rstd, ln2Mean: mean, ln2Rstd: rstd, qkv, atty, fch, fchAct, attproj: proj, fcproj: proj };
    this.#block = d.norm === 'pre'
      ? { ...shared, ln1: ln, ln2: ln, res2: x, res3: x }
      : { ...shared, ln1: x, ln2: x, res2: proj, res3: proj };
    this.#attention = {
      forward: (out, qkv, l) =>
        k.kvAttentionForward(out, this.#kvLayer[l], qkv, this.#stepRows, this.#stepTq, this.#length, this.maxLength, C, d.nHead),
    };
    this.#tokens = k.allocI32(R);
    this.#order = k.allocI32(B);
    this.#logits = new Float32Array(B * V);
    this.#history = new Int32Array(B * this.maxLength);
  }

  /** Positions cached (the same for every row). */
  get length(): number {
    return this.#length;
  }

  /** The tokens row `row` has fed so far (oldest first; after `slide`, only those kept). */
  history(row: number): number[] {
    this.#checkRow(row);
    return Array.from(this.#history.subarray(row * this.maxLength, row * this.maxLength + this.#length));
  }

  /**
   * Appends T = tokens.length / batch new tokens to every row (row-major B×T) and returns the logits of
   * each row's last new position, (B, V). The returned array is reused by the next call: copy what you keep.
   */
  forward(tokens: ArrayLike<number>): Float32Array {
    this.#checkLive();
    const B = this.batch;
    if (tokens.length === 0 || tokens.length % B !== 0) {
      throw new ShapeError(`InferenceSession.forward: ${tokens.length} tokens do not split into ${B} rows of at least one`);
    }
    this.#checkTokens(tokens, 'forward');
    this.#run(tokens, B, tokens.length / B, true);
    return this.#logits;
  }

  /**
   * Starts every row over with the same prompt. It is computed once, in row 0, and the cache row copied to
   * the others; the returned logits (B, V) therefore hold the same row B times.
   */
  prefill(prompt: ArrayLike<number>): Float32Array {
    this.#checkLive();
    if (prompt.length === 0) throw new ShapeError('InferenceSession.prefill: the prompt is empty (start from a bos token)');
    this.#checkTokens(prompt, 'prefill');
    this.#length = 0;
    this.#run(prompt, 1, prompt.length, true);
    const B = this.batch;
    if (B > 1) {
      this.#k.writeI32(this.#order, new Int32Array(B)); // every row ← row 0
      this.#k.kvReorder(this.#cache, this.#order, this.#d.nLayer, B, this.maxLength, this.#d.nEmbd, this.#d.nHead, this.#length);
      const V = this.#d.vocabSize;
      for (let b = 1; b < B; b++) {
        this.#history.copyWithin(b * this.maxLength, 0, this.#length);
        this.#logits.copyWithin(b * V, 0, V);
      }
    }
    return this.#logits;
  }

  /**
   * Keeps the last `keep` tokens of every row and re-encodes them from position 0, making room for
   * maxLength − keep more. Positions shift, so the cached keys and values cannot be reused: this costs a
   * prefill of keep tokens per row.
   */
  slide(keep: number): void {
    this.#checkLive();
    if (!Number.isInteger(keep) || keep < 1 || keep > this.#length) {
      throw new ShapeError(`InferenceSession.slide: keep must be an integer in [1, ${this.#length}], got ${describeValue(keep)}`);
    }
    const B = this.batch;
    const kept = new Int32Array(B * keep);
    for (let b = 0; b < B; b++) {
      const end = b * this.maxLength + this.#length;
      kept.set(this.#history.subarray(end - keep, end), b * keep);
    }
    this.#length = 0;
    this.#run(kept, B, keep, false);
  }

  /** Row b ← row order[b], cache and history (beam search: the beams continued). Repeats are allowed. */
  reorder(order: ArrayLike<number>): void {
    this.#checkLive();
    const B = this.batch;
    if (order.length !== B) throw new ShapeError(`InferenceSession.reorder: order has ${order.length} entries, batch is ${B}`);
    let identity = true;
    for (let b = 0; b < B; b++) {
      const s = order[b];
      if (!Number.isInteger(s) || s < 0 || s >= B) {
        throw new ShapeError(`InferenceSession.reorder: order[${b}] = ${describeValue(s)} is not a row in [0, ${B})`);
      }
      if (s !== b) identity = false;
    }
    if (identity) return;
    this.#k.writeI32(this.#order, order);
    this.#k.kvReorder(this.#cache, this.#order, this.#d.nLayer, B, this.maxLength, this.#d.nEmbd, this.#d.nHead, this.#length);
    const old = this.#history.slice();
    for (let b = 0; b < B; b++) {
      this.#history.set(old.subarray(order[b] * this.maxLength, order[b] * this.maxLength + this.#length), b * this.maxLength);
    }
  }

  /** Empties the cache (keeps the memory). */
  reset(): void {
    this.#length = 0;
  }

  /** Releases the cache and activations (not the model's parameters). */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    const k = this.#k;
    k.free(this.#cache);
    for (const buf of Object.values(this.#act)) k.free(buf);
    k.free(this.#tokens);
    k.free(this.#order);
    if (this.#ownedPositions !== undefined) k.free(this.#ownedPositions);
  }

  #checkLive(): void {
    if (this.#freed) throw new DisposedError('InferenceSession used after free()');
  }

  #checkRow(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.batch) {
      throw new ShapeError(`InferenceSession: row ${describeValue(row)} is not in [0, ${this.batch})`);
    }
  }

  #checkTokens(tokens: ArrayLike<number>, what: string): void {
    const V = this.#d.vocabSize;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (!Number.isInteger(t) || t < 0 || t >= V) {
        throw new ShapeError(`InferenceSession.${what}: token ${describeValue(t)} at index ${i} is not an id in [0, ${V})`);
      }
    }
    const T = tokens.length / (what === 'prefill' ? 1 : this.batch);
    const from = what === 'prefill' ? 0 : this.#length;
    if (from + T > this.maxLength) {
      throw new ShapeError(`InferenceSession.${what}: ${from} cached + ${T} new positions exceed maxLength ${this.maxLength} (slide or start over)`);
    }
  }

  /** Feeds T tokens to each of the first `rows` rows (row-major rows×T), in chunks of at most maxRows rows. */
  #run(tokens: ArrayLike<number>, rows: number, T: number, wantLogits: boolean): void {
    const chunk = Math.max(1, Math.floor(this.maxRows / rows));
    const buf = new Int32Array(rows * Math.min(chunk, T));
    for (let t0 = 0; t0 < T; t0 += chunk) {
      const tq = Math.min(chunk, T - t0);
      for (let b = 0; b < rows; b++) {
        for (let t = 0; t < tq; t++) buf[b * tq + t] = tokens[b * T + t0 + t];
        this.#history.set(buf.subarray(b * tq, (b + 1) * tq), b * this.maxLength + this.#length);
      }
      this.#step(buf.subarray(0, rows * tq), rows, tq, wantLogits && t0 + tq === T);
      this.#length += tq;
    }
  }

  /** One forward of `rows`×Tq new tokens at positions length..length+Tq; logits of each row's last one. */
  #step(tokens: Int32Array, rows: number, Tq: number, wantLogits: boolean): void {
    const k = this.#k;
    const d = this.#d;
    const { nEmbd: C, vocabSize: V, layerNormEps: eps } = d;
    const { x, mean, rstd, final, logits } = this.#act;
    const N = rows * Tq;
    const pos = this.#length;
    const pre = d.norm === 'pre';
    k.writeI32(this.#tokens, tokens);
    const positions = k.view(this.#positions, pos * C, Tq * C); // positions pos..pos+Tq
    if (this.#P.dtype === 'q8') k.encoderForwardQ8(x, this.#tokens, this.#P.wte, positions, rows, Tq, C, V);
    else k.encoderForward(x, this.#tokens, this.#P.wte, positions, rows, Tq, C);

    // Every block reads x and leaves its output in x again (the aliasing of #block).
    this.#stepRows = rows;
    this.#stepTq = Tq;
    for (let l = 0; l < d.nLayer; l++) blockForward(k, d, l, this.#P.layers[l], this.#block, x, N, this.#attention, 0, 0);
    if (!wantLogits) return;

    // The classifier on each row's last position only: (rows, C) → (rows, V).
    let hidden = x;
    if (pre) {
      const [lnfw, lnfb] = [this.#P.lnfw as F, this.#P.lnfb as F];
      if (Tq === 1) {
        k.layernormForward(final, mean, rstd, x, lnfw, lnfb, rows, C, eps);
      } else {
        for (let b = 0; b < rows; b++) {
          k.layernormForward(k.view(final, b * C, C), mean, rstd, k.view(x, (b * Tq + Tq - 1) * C, C), lnfw, lnfb, 1, C, eps);
        }
      }
      hidden = final;
    } else if (Tq > 1) {
      // Post-norm has no final LayerNorm: gather the last rows (a prefill-only copy of rows·C floats).
      for (let b = 0; b < rows; b++) k.write(final, k.read(k.view(x, (b * Tq + Tq - 1) * C, C)), b * C);
      hidden = final;
    }
    linearForward(k, this.#P.dtype, logits, hidden, this.#P.head, null, rows, C, V);
    k.read(rows === this.batch ? logits : k.view(logits, 0, rows * V), this.#logits.subarray(0, rows * V));
  }
}
