import { ShapeError, describeValue } from '../errors.js';
import { SeededRng, type RngState } from './rng.js';

export type TokenIds = Uint16Array | Uint32Array | Int32Array;

export interface BatchLoaderOptions {
  /** Rows per batch (B). */
  batchSize: number;
  /** Tokens per row (T, the context length). */
  blockSize: number;
  /**
   * `'random'` (default): each row starts at a uniformly random offset, as nanoGPT's get_batch does.
   * `'sequential'`: the token stream is cut into non-overlapping windows at offsets 0, T, 2T, … which are
   * visited in order; after the last window the next epoch starts again at 0 (batches never come up short).
   */
  order?: 'random' | 'sequential';
  /** Seed for `'random'` order (default 0). */
  seed?: number;
  /** Element type of `x` and `y` (default `'int32'`). */
  idType?: 'int32' | 'uint32';
}

export interface Batch {
  /** Inputs, row-major B×T: row r is tokens[start_r … start_r + T). */
  x: Int32Array | Uint32Array;
  /** Targets, row-major B×T: x shifted by one, tokens[start_r + 1 … start_r + T]. */
  y: Int32Array | Uint32Array;
  batchSize: number;
  blockSize: number;
  /** Where each row starts in the token stream. */
  offsets: number[];
  /** Epoch of the first row (sequential order; always 0 in random order). */
  epoch: number;
}

/** Everything needed to continue the exact same batch sequence later (plain JSON). */
export interface BatchLoaderState {
  order: 'random' | 'sequential';
  rng: RngState;
  epoch: number;
  /** Next window index (sequential order). */
  cursor: number;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ShapeError(`BatchLoader: ${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}

/** Serves (x, y) training batches from a token array, e.g. the `tokens` of a decoded shard. */
export class BatchLoader {
  readonly batchSize: number;
  readonly blockSize: number;
  readonly order: 'random' | 'sequential';
  /** Number of distinct windows: start offsets in random order, non-overlapping windows per epoch in sequential order. */
  readonly windowCount: number;
  private readonly tokens: TokenIds;
  private readonly idType: 'int32' | 'uint32';
  private rng: SeededRng;
  private epoch = 0;
  private cursor = 0;

  constructor(tokens: TokenIds, options: BatchLoaderOptions) {
    if (!(tokens instanceof Uint16Array || tokens instanceof Uint32Array || tokens instanceof Int32Array)) {
      throw new ShapeError(`BatchLoader: tokens must be a Uint16Array, Uint32Array or Int32Array, got ${describeValue(tokens)}`);
    }
    this.batchSize = positiveInteger('batchSize', options.batchSize);
    this.blockSize = positiveInteger('blockSize', options.blockSize);
    this.order = options.order ?? 'random';
    if (this.order !== 'random' && this.order !== 'sequential') {
      throw new ShapeError(`BatchLoader: order must be 'random' or 'sequential', got ${describeValue(this.order)}`);
    }
    this.idType = options.idType ?? 'int32';
    if (this.idType !== 'int32' && this.idType !== 'uint32') {
      throw new ShapeError(`BatchLoader: idType must be 'int32' or 'uint32', got ${describeValue(this.idType)}`);
    }
    if (tokens.length < this.blockSize + 1) {
      throw new ShapeError(
        `BatchLoader: ${tokens.length} tokens cannot fill one window of blockSize ${this.blockSize} (need at least ${this.blockSize + 1}: inputs plus the shifted target)`,
      );
    }
    this.tokens = tokens;
    this.rng = new SeededRng(options.seed ?? 0);
    this.windowCount = this.order === 'random' ? tokens.length - this.blockSize : Math.floor((tokens.length - 1) / this.blockSize);
  }

  next(): Batch {
    const B = this.batchSize;
    const T = this.blockSize;
    const x = this.idType === 'int32' ? new Int32Array(B * T) : new Uint32Array(B * T);
    const y = this.idType === 'int32' ? new Int32Array(B * T) : new Uint32Array(B * T);
    const offsets: number[] = [];
    const epoch = this.epoch;
    for (let r = 0; r < B; r++) {
      let start: number;
      if (this.order === 'random') {
        start = this.rng.nextInt(this.windowCount);
      } else {
        start = this.cursor * T;
        if (++this.cursor === this.windowCount) {
          this.cursor = 0;
          this.epoch++;
        }
      }
      offsets.push(start);
      x.set(this.tokens.subarray(start, start + T), r * T);
      y.set(this.tokens.subarray(start + 1, start + T + 1), r * T);
    }
    return { x, y, batchSize: B, blockSize: T, offsets, epoch };
  }

  getState(): BatchLoaderState {
    return { order: this.order, rng: this.rng.state(), epoch: this.epoch, cursor: this.cursor };
  }

  /** Resume from `getState()` output (of a loader with the same tokens and options). */
  setState(state: BatchLoaderState): void {
    if (state === null || typeof state !== 'object' || state.order !== this.order) {
      throw new ShapeError(`BatchLoader.setState: state is for order ${describeValue(state?.order)}, this loader uses ${describeValue(this.order)}`);
    }
    if (!Number.isInteger(state.cursor) || state.cursor < 0 || state.cursor >= this.windowCount) {
      throw new ShapeError(`BatchLoader.setState: cursor ${describeValue(state.cursor)} is outside [0, ${this.windowCount})`);
    }
    if (!Number.isInteger(state.epoch) || state.epoch < 0) throw new ShapeError(`BatchLoader.setState: epoch must be a non-negative integer, got ${describeValue(state.epoch)}`);
    this.rng = SeededRng.fromState(state.rng);
    this.epoch = state.epoch;
    this.cursor = state.cursor;
  }
}
