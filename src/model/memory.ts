/**
 * Memory a model needs, computed from the config before anything is allocated, so a model that cannot fit in
 * wasm32's 4 GiB address space fails with the estimate and what to shrink instead of an allocation failure
 * half-way through.
 */
import { MemoryLimitError } from '../errors.js';
import { WASM32_MAX_BYTES } from '../wasm/artifacts.js';
import { activationFloatsPerLayer, activationLayout, paramLayout, type ModelDims } from './layout.js';

export interface MemoryEstimate {
  parameters: number;
  /** Number of parameters (floats), for reference. */
  parameterCount: number;
  gradients: number;
  /** AdamW's two moments. */
  optimizer: number;
  /** Forward activations cached for the backward, plus the backward's reused scratch. */
  activations: number;
  /** Kernel scratch (GEMM packing, attention tiles, per thread) and the wasm runtime: a fixed allowance. */
  reserve: number;
  /** Sum of the above, in bytes. */
  total: number;
  /** The largest single buffer (parameters, or the activations), in bytes: see `MAX_BUFFER_BYTES`. */
  largestBuffer: number;
}

/**
 * The largest one allocation the wasm core can make: Rust's `Layout` caps a size at `isize::MAX`, which on
 * wasm32 is 2 GiB - 1 (less the alignment). A model whose parameters fit in 4 GiB but not in one 2 GiB buffer
 * would otherwise pass the total check and fail inside the allocator.
 */
export const MAX_BUFFER_BYTES = 2 ** 31 - 64;

const F32 = 4;
/** GEMM packing (~4 MiB per thread), attention scratch, stacks and the allocator's slack. */
const RESERVE_BYTES = 96 * 2 ** 20;

/**
 * Bytes for a model with (B, T) batches. `training: false` leaves out gradients and optimizer state.
 * Activations per layer are B·T·(18·C + 4 + NH) floats (see `activationFloatsPerLayer`).
 */
export function estimateMemory(dims: ModelDims, B: number, T: number, training = true): MemoryEstimate {
  const parameterCount = paramLayout(dims).total;
  const parameters = parameterCount * F32;
  const gradients = training ? parameters : 0;
  const optimizer = training ? 2 * parameters : 0;
  const activations = activationLayout(dims, B, T).total * F32;
  const total = parameters + gradients + optimizer + activations + RESERVE_BYTES;
  return { parameters, parameterCount, gradients, optimizer, activations, reserve: RESERVE_BYTES, total, largestBuffer: Math.max(parameters, activations) };
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** Throws `MemoryLimitError` when the estimate exceeds `limitBytes` (default: the wasm32 address space). */
export function checkMemory(dims: ModelDims, B: number, T: number, training: boolean, limitBytes = WASM32_MAX_BYTES): MemoryEstimate {
  const e = estimateMemory(dims, B, T, training);
  if (e.largestBuffer > MAX_BUFFER_BYTES) {
    const what = e.parameters >= e.activations
      ? `the parameters (${e.parameterCount.toLocaleString('en-US')} floats) need one buffer of ${gib(e.parameters)}`
      : `the activations for B=${B}, T=${T} need one buffer of ${gib(e.activations)}`;
    throw new MemoryLimitError(
      `${what}, above the ${gib(MAX_BUFFER_BYTES)} a single wasm32 allocation can hold; ` +
        (e.parameters >= e.activations ? 'lower nLayer, nEmbd or vocabSize' : 'lower batchSize or blockSize'),
    );
  }
  if (e.total <= limitBytes) return e;
  const perLayer = activationFloatsPerLayer(dims, B, T) * F32;
  const advice: string[] = [];
  if (e.activations > e.total / 3) {
    advice.push(`activations grow with batchSize × blockSize (${gib(perLayer)} per layer at B=${B}, T=${T}): lower batchSize and use gradient accumulation, or shorten blockSize`);
  }
  advice.push(training
    ? `parameters cost 16 bytes each when training (weights, gradients, two AdamW moments): lower nLayer or nEmbd, or vocabSize`
    : `lower nLayer, nEmbd or vocabSize`);
  throw new MemoryLimitError(
    `model needs ~${gib(e.total)} (parameters ${gib(e.parameters)} for ${e.parameterCount.toLocaleString('en-US')} floats, ` +
      `gradients ${gib(e.gradients)}, optimizer ${gib(e.optimizer)}, activations ${gib(e.activations)} for B=${B}, T=${T}, ` +
      `reserve ${gib(e.reserve)}), above the ${gib(limitBytes)} limit of wasm32 memory; ${advice.join('; ')}`,
  );
}

/**
 * Throws `MemoryLimitError` when a generation session (see `InferenceSession`) would not fit next to the
 * parameters: `batch` rows of KV cache for `maxLength` positions (L·B·2·T·C floats, one buffer), `maxRows`
 * rows of activations, and the logits. `what` names the option that set the batch (numReturnSequences,
 * numBeams) so the message says what to lower.
 */
export function checkSessionMemory(dims: ModelDims, batch: number, maxLength: number, maxRows: number, what: string, limitBytes = WASM32_MAX_BYTES): void {
  const { nLayer: L, nEmbd: C, vocabSize: V } = dims;
  const cache = L * batch * 2 * maxLength * C * F32;
  const activations = (maxRows * (12 * C + 2) + batch * (C + V)) * F32;
  const total = paramLayout(dims).total * F32 + cache + activations + RESERVE_BYTES;
  if (cache > MAX_BUFFER_BYTES || total > limitBytes) {
    throw new MemoryLimitError(
      `${what} = ${batch} rows of ${maxLength} positions need a KV cache of ${gib(cache)} (one buffer; at most ${gib(MAX_BUFFER_BYTES)}) ` +
        `and ~${gib(total)} in all with the parameters (at most ${gib(limitBytes)} of wasm32 memory); lower ${what} or maxNewTokens`,
    );
  }
}
