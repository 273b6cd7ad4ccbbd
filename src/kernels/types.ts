/**
 * The op table of a GPT: one `Kernels` interface, implemented by the wasm core (`WasmKernels`) and by pure
 * TypeScript (`JsKernels`, the benchmark baseline and the fallback where wasm SIMD is unavailable). One
 * conformance suite (tests/kernels.*.test.ts) runs every op over both.
 *
 * Conventions (llm.c's train_gpt2.c):
 * - Dimension letters: B batch, T time, C channels, V vocabulary, NH heads, hs = C/NH, OC output channels,
 *   N rows (usually B·T). Every buffer's shape is in a comment next to it; all are row-major, contiguous.
 * - Arguments: outputs first, then inputs, then cached state from the forward, then sizes, then scalars.
 * - Every backward **accumulates** (+=) into every parameter gradient it produces, so micro-batches
 *   accumulate; callers zero those once per step (`fill(buf, 0)`). The input gradient (dinp, dqkv) of
 *   `layernormBackward`, `matmulBackward`, `attentionBackward`, `geluBackward` and `reluBackward` takes an
 *   `accumulate` flag: true adds into it (branches sum), false overwrites it without reading it (garbage,
 *   NaN included, is fine), bitwise equal to accumulating into zeros. The first writer of a scratch gradient
 *   passes false instead of a separate zero-fill. Other input gradients accumulate. Two ops write instead
 *   and say so: `crossEntropyBackward` (dlogits may alias logits) and `dropoutBackward` (may run in place).
 * - Results are bitwise identical for any thread count. Kernels validate nothing: the model layer checks
 *   shapes once; a wrong size here is a bug.
 */
import type { WasmF32Array, WasmI32Array } from '../wasm/core.js';

/** Float buffer `F` and int32 buffer `I` are `Float32Array`/`Int32Array` for JS, wasm-resident for wasm. */
export interface Kernels<F, I> {
  readonly backend: 'wasm' | 'js';

  // ---- memory -------------------------------------------------------------------------------------
  alloc(length: number): F;
  from(data: ArrayLike<number>): F;
  allocI32(length: number): I;
  fromI32(data: ArrayLike<number>): I;
  /** Copies out (into `out` when given). */
  read(buf: F, out?: Float32Array): Float32Array;
  /** Copies `data` into `buf` at element `offset`. */
  write(buf: F, data: ArrayLike<number>, offset?: number): void;
  writeI32(buf: I, data: ArrayLike<number>, offset?: number): void;
  fill(buf: F, value: number): void;
  /** A window [offset, offset + length) sharing `buf`'s memory (parameter and activation views). */
  view(buf: F, offset: number, length: number): F;
  viewI32(buf: I, offset: number, length: number): I;
  /** Frees an owning buffer; a no-op on views. */
  free(buf: F | I): void;

  // ---- embeddings (encoder.rs) --------------------------------------------------------------------
  /** out (T, C): sin on even channels, cos on odd, pos / 10000^(2i/C) with i = channel / 2. */
  positionalSinusoidal(out: F, T: number, C: number): void;
  /** out (B,T,C) = wte[tokens[b,t]] + wpe[t]; tokens (B,T) in [0, V); wte (V,C); wpe (≥T, C). */
  encoderForward(out: F, tokens: I, wte: F, wpe: F, B: number, T: number, C: number): void;
  /** dwte (V,C) += scatter of dout by token; dwpe (≥T,C) += sum over b (skipped when null: sinusoidal). */
  encoderBackward(dwte: F, dwpe: F | null, dout: F, tokens: I, B: number, T: number, C: number): void;

  // ---- layernorm.rs -------------------------------------------------------------------------------
  /** out (N,C) = (inp - mean) · rstd · weight + bias; caches mean (N) and rstd (N) for the backward. */
  layernormForward(out: F, mean: F, rstd: F, inp: F, weight: F, bias: F, N: number, C: number, eps: number): void;
  /** dinp (N,C) += ∂L/∂inp (= when not `accumulate`); dweight (C) += Σ_rows norm·dout; dbias (C) += Σ_rows dout. */
  layernormBackward(dinp: F, dweight: F, dbias: F, dout: F, inp: F, weight: F, mean: F, rstd: F, N: number, C: number, accumulate: boolean): void;

  // ---- matmul.rs (a linear layer on the SGEMM) ----------------------------------------------------
  /** out (N,OC) = inp (N,C) · weightᵀ + bias; weight (OC,C); bias (OC) or null. */
  matmulForward(out: F, inp: F, weight: F, bias: F | null, N: number, C: number, OC: number): void;
  /** dinp (N,C) += dout·weight (= when not `accumulate`: β = 0); dweight (OC,C) += doutᵀ·inp; dbias (OC) +=
   * Σ_n dout (when not null). */
  matmulBackward(dinp: F, dweight: F, dbias: F | null, dout: F, inp: F, weight: F, N: number, C: number, OC: number, accumulate: boolean): void;

  // ---- q8.rs (weight-only int8 for inference: blocks of 32 along C, one scale each) -----------------
  /**
   * out (q8Floats(rows, cols) slots) ← inp (rows, cols) quantized: per block of 32, d = max|w| / 127 and
   * q = round(w / d), ties away from zero. cols must be a multiple of 32. Layout: src/kernels/q8-layout.ts.
   */
  quantizeQ8(out: F, inp: F, rows: number, cols: number): void;
  /** out (rows, cols) ← the values a q8 tensor stands for, q·d. */
  dequantizeQ8(out: F, inp: F, rows: number, cols: number): void;
  /**
   * out (N,OC) = inp (N,C) · weightᵀ + bias with weight a q8 (OC,C) tensor: each input row is quantized to
   * int16 in the same blocks, each block's product summed exactly in int32, and out[n,o] = Σ_b f32(sum_b) ·
   * (d_w·d_x), in order of b, + bias. Identical for any N (a row alone or in a batch) and thread count.
   */
  matmulForwardQ8(out: F, inp: F, weight: F, bias: F | null, N: number, C: number, OC: number): void;
  /** `encoderForward` over a q8 token embedding wte (V,C): out = q·d + wpe[t]. */
  encoderForwardQ8(out: F, tokens: I, wte: F, wpe: F, B: number, T: number, C: number, V: number): void;

  // ---- attention.rs -------------------------------------------------------------------------------
  /**
   * Causal multi-head self-attention. qkv (B,T,3C) holds q, k, v side by side (each C = NH·hs, head h at
   * channels h·hs...). out (B,T,C) = heads concatenated. lse (B,NH,T) caches each row's log-sum-exp of the
   * scaled scores so the backward recomputes the probabilities instead of storing (B,NH,T,T) of them.
   * Dropout on the attention probabilities with probability `dropout` (0 = off), mask from (seed, position).
   */
  attentionForward(out: F, lse: F, qkv: F, B: number, T: number, C: number, NH: number, dropout: number, seed: number): void;
  /** dqkv (B,T,3C) += gradient through the whole attention (= when not `accumulate`); needs the forward's qkv,
   * out and lse. */
  attentionBackward(dqkv: F, dout: F, qkv: F, out: F, lse: F, B: number, T: number, C: number, NH: number, dropout: number, seed: number, accumulate: boolean): void;

  // ---- kvcache.rs (inference: incremental decoding over a cache of keys and values) ------------------
  /**
   * Attention of Tq new rows over a KV cache. kv (B,2,NH,maxT,hs) is one layer's cache: row b's keys of
   * head h at kv[b,0,h,t,:] and values at kv[b,1,h,t,:], positions t < maxT (head-major, so decoding streams
   * each head's keys and values contiguously). Writes the keys and values of qkv (B,Tq,3C)
   * at positions pos..pos+Tq, then out (B,Tq,C) = causal attention of new row t over positions 0..=pos+t:
   * `attentionForward`'s function (without dropout) for the new rows only. Needs pos + Tq ≤ maxT.
   */
  kvAttentionForward(out: F, kv: F, qkv: F, B: number, Tq: number, pos: number, maxT: number, C: number, NH: number): void;
  /** Row b of the whole cache kv (L,B,2,NH,maxT,hs) ← row order[b] (order: B ids in [0, B), repeats
   * allowed), positions 0..len (beam search keeps the histories of the beams it continues). */
  kvReorder(kv: F, order: I, L: number, B: number, maxT: number, C: number, NH: number, len: number): void;

  // ---- activation.rs ------------------------------------------------------------------------------
  /** GELU, tanh approximation (GPT-2's "gelu_new"). */
  geluForward(out: F, inp: F, N: number): void;
  /** dinp (N) += gelu'(inp)·dout (= when not `accumulate`); dinp may be dout. */
  geluBackward(dinp: F, inp: F, dout: F, N: number, accumulate: boolean): void;
  reluForward(out: F, inp: F, N: number): void;
  /** dinp (N) += inp > 0 ? dout : 0 (= when not `accumulate`): gradient 0 at inp ≤ 0 (PyTorch's convention). */
  reluBackward(dinp: F, inp: F, dout: F, N: number, accumulate: boolean): void;

  // ---- residual.rs --------------------------------------------------------------------------------
  /** out = inp1 + inp2; `out` may be `inp1` (accumulate in place). */
  residualForward(out: F, inp1: F, inp2: F, N: number): void;
  residualBackward(dinp1: F, dinp2: F, dout: F, N: number): void;

  // ---- crossentropy.rs (fused softmax + cross-entropy) --------------------------------------------
  /**
   * losses (N) = -log softmax(logits[n])[targets[n]], 0 where targets[n] == ignoreIndex; lse (N) caches
   * each row's log-sum-exp. logits (N,V). Returns the mean loss over the counted rows (NaN when none).
   */
  crossEntropyForward(losses: F, lse: F, logits: F, targets: I, N: number, V: number, ignoreIndex: number): number;
  /**
   * **Writes** dlogits (N,V) = (softmax(logits) - onehot(target)) · dlossScale per counted row, 0 for ignored
   * rows. dlogits may be the same buffer as logits. dlossScale is usually 1 / (number of counted rows).
   */
  crossEntropyBackward(dlogits: F, logits: F, lse: F, targets: I, N: number, V: number, ignoreIndex: number, dlossScale: number): void;

  // ---- dropout.rs ---------------------------------------------------------------------------------
  /**
   * out (N) = inp · keep / (1 - p), keep = uniform(seed, offset + i) ≥ p (see `dropoutUniform`); in place
   * allowed. p = 0 copies.
   */
  dropoutForward(out: F, inp: F, N: number, p: number, seed: number, offset: number): void;
  /** **Writes** dinp = dout · keep / (1 - p) with the forward's mask; in place allowed. */
  dropoutBackward(dinp: F, dout: F, N: number, p: number, seed: number, offset: number): void;

  // ---- optim.rs -----------------------------------------------------------------------------------
  /**
   * One AdamW step over N parameters (params, grads, m, v all (N)); `step` counts from 1 (bias correction).
   * Decoupled weight decay (params -= lr·wd·params) only inside the [start, end) pairs of decayRanges (R,2).
   */
  adamw(params: F, grads: F, m: F, v: F, N: number, decayRanges: I, R: number,
        lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number): void;
  /** Global L2 norm of grads (N), summed in float64 in a fixed order. */
  gradNorm(grads: F, N: number): number;
  /** buf (N) *= s. */
  scale(buf: F, N: number, s: number): void;
}

/** The wasm core's kernels: buffers resident in its memory. */
export type WasmKernels = Kernels<WasmF32Array, WasmI32Array>;
/** The pure TypeScript kernels: plain typed arrays. */
export type JsKernels = Kernels<Float32Array, Int32Array>;

/** Uniform in [0, 1) for element `counter` of stream `seed`: 24 bits of a 32-bit integer hash. Must match
 * `uniform` in crate/src/ops/dropout.rs. */
export function dropoutUniform(seed: number, counter: number): number {
  let h = (counter + Math.imul(seed >>> 0, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return (h >>> 8) / 16777216;
}
