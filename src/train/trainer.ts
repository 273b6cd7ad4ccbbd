/**
 * `Trainer`: AdamW with global-norm clipping, gradient accumulation, a learning-rate schedule, periodic
 * evaluation, progress events and exact resumption, over a `GPT`'s parameters.
 *
 * One optimizer step (`step()`):
 *   zero grads → for each of gradAccumSteps micro-batches: forward (dropout seeded by step and micro-batch),
 *   backward (gradients accumulate) → scale by 1/gradAccumSteps → global norm, clip → AdamW with lr(step).
 * A non-finite loss or gradient norm leaves the parameters and moments untouched: the trainer throws
 * `NonFiniteError` (default) or, with `onNonFinite: 'skip'`, reports the step as skipped and goes on.
 *
 * Everything that influences the next step — parameters, moments, step counter, data-sampler RNG — is
 * captured by `getState()` (plus the model's parameters), so N steps, save, load, N steps gives bitwise the
 * same losses and weights as 2N steps in one run.
 */
import { refuseQuantized } from '../model/quantized.js';
import { BatchLoader, type BatchLoaderState, type TokenIds } from '../data/loader.js';
import { ConfigError, DisposedError, NonFiniteError, ShapeError, describeValue } from '../errors.js';
import { checkIds, type GPT } from '../model/gpt.js';
import type { GPTEngine } from '../model/engine.js';
import { learningRate, validateSchedule, type ScheduleSpec } from './schedule.js';
import { yieldToEventLoop } from '../yield.js';
import { rejectUnknownKeys } from '../options.js';

export interface TrainerOptions {
  /** Training tokens (one stream; windows are drawn at random offsets, nanoGPT style). */
  trainData: TokenIds;
  /** Validation tokens, for `evaluate()` and `evalInterval`. */
  valData?: TokenIds;
  /** Rows per micro-batch. */
  batchSize: number;
  /** Tokens per row (default: the model's blockSize). */
  blockSize?: number;
  /** Micro-batches summed into one optimizer step (default 1): the effective batch is batchSize × this. */
  gradAccumSteps?: number;
  /** Learning rate: a constant, or a schedule (default constant 3e-4). */
  lr?: number | ScheduleSpec;
  /** AdamW β1, β2 (default 0.9, 0.95 as GPT-3). */
  betas?: [number, number];
  /** AdamW ε (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay (default 0.1). */
  weightDecay?: number;
  /**
   * Which tensors decay (default 'matrices': the 2-D weights of attention, MLP and an untied head; not biases,
   * LayerNorm or embeddings). 'matrices+embeddings' adds wte/wpe; 'all' decays everything.
   */
  decay?: 'matrices' | 'matrices+embeddings' | 'all';
  /** Clip the global gradient norm to this (default 1.0; Infinity disables). */
  gradClip?: number;
  /** Evaluate every this many steps inside `run`/`train` (default 0 = never). */
  evalInterval?: number;
  /** Validation batches per evaluation (default 20). */
  evalBatches?: number;
  /** Seed for the data sampler and dropout masks (default 0). */
  seed?: number;
  /** What to do when a step's loss or gradient is NaN/Inf (default 'throw'). */
  onNonFinite?: 'throw' | 'skip';
}

export interface StepInfo {
  /** Number of optimizer steps done, this one included (1-based). */
  step: number;
  /** Mean training loss over the step's micro-batches. */
  loss: number;
  /** Learning rate used. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Training tokens processed per second in this step. */
  tokensPerSec: number;
  /** Milliseconds spent in steps since this trainer started (excludes evaluation). */
  elapsed: number;
  /** True when the step was not applied because of a non-finite loss or gradient ('skip' mode). */
  skipped: boolean;
}

export interface EvalInfo {
  step: number;
  valLoss: number;
  perplexity: number;
}

export type TrainEvent = ({ type: 'step' } & StepInfo) | ({ type: 'eval' } & EvalInfo);

export interface RunOptions {
  /** Optimizer steps to run. */
  steps: number;
  /** Stops cleanly between steps. */
  signal?: AbortSignal;
}

export interface TrainOptions extends RunOptions {
  onStep?: (info: StepInfo) => void;
  onEval?: (info: EvalInfo) => void;
}

export interface TrainSummary {
  steps: number;
  lastLoss: number;
  lastValLoss: number | undefined;
  aborted: boolean;
  elapsed: number;
}

/** Trainer state besides the weights: AdamW moments (our parameter layout) and JSON metadata. */
export interface TrainerState {
  tensors: { 'adamw.m': Float32Array; 'adamw.v': Float32Array };
  meta: TrainerStateMeta;
}

export interface TrainerStateMeta {
  format: 'wasm-gpt-trainer-1';
  step: number;
  skippedSteps: number;
  seed: number;
  batchSize: number;
  blockSize: number;
  gradAccumSteps: number;
  loader: BatchLoaderState;
  schedule: ScheduleSpec;
  elapsed: number;
}

const OPTION_KEYS = new Set(['trainData', 'valData', 'batchSize', 'blockSize', 'gradAccumSteps', 'lr', 'betas', 'eps',
  'weightDecay', 'decay', 'gradClip', 'evalInterval', 'evalBatches', 'seed', 'onNonFinite']);

function integer(key: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(key, `Trainer option ${key} must be an integer ≥ ${min}, got ${describeValue(value)}`);
  }
  return value;
}

function number(key: string, value: unknown, ok: (v: number) => boolean, what: string): number {
  if (typeof value !== 'number' || !ok(value)) throw new ConfigError(key, `Trainer option ${key} must be ${what}, got ${describeValue(value)}`);
  return value;
}

function tokenArray(key: string, value: unknown, V: number): TokenIds {
  if (!(value instanceof Uint16Array || value instanceof Uint32Array || value instanceof Int32Array)) {
    throw new ConfigError(key, `Trainer option ${key} must be a Uint16Array, Uint32Array or Int32Array of token ids, got ${describeValue(value)}`);
  }
  checkIds('Trainer', key, value, V, false);
  return value;
}

/** Dropout seed of (run seed, step, micro-batch): a function of the step, so a resumed run draws the same masks. */
function dropoutSeed(seed: number, step: number, micro: number): number {
  let h = (seed ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(micro + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  return (h ^ (h >>> 12)) >>> 0;
}

export class Trainer {
  readonly model: GPT;
  readonly batchSize: number;
  readonly blockSize: number;
  readonly gradAccumSteps: number;
  readonly schedule: ScheduleSpec;
  readonly #options: Required<Omit<TrainerOptions, 'valData' | 'lr' | 'blockSize'>> & { valData?: TokenIds };
  readonly #engine: GPTEngine<unknown, unknown>;
  readonly #loader: BatchLoader;
  #step = 0;
  #skipped = 0;
  #elapsed = 0;
  #disposed = false;

  constructor(model: GPT, options: TrainerOptions) {
    if (options === null || typeof options !== 'object') throw new ConfigError('options', `Trainer needs an options object, got ${describeValue(options)}`);
    refuseQuantized(model, 'Trainer');
    rejectUnknownKeys('Trainer', options, OPTION_KEYS);
    const V = model.config.vocabSize;
    this.model = model;
    this.batchSize = integer('batchSize', options.batchSize, 1);
    this.blockSize = integer('blockSize', options.blockSize ?? model.config.blockSize, 1);
    if (this.blockSize > model.config.blockSize) {
      throw new ConfigError('blockSize', `Trainer option blockSize (${this.blockSize}) exceeds the model's blockSize (${model.config.blockSize})`);
    }
    this.gradAccumSteps = integer('gradAccumSteps', options.gradAccumSteps ?? 1, 1);
    const lr = options.lr ?? 3e-4;
    if (typeof lr !== 'number' && (lr === null || typeof lr !== 'object' || Array.isArray(lr))) {
      throw new ConfigError('lr', `Trainer option lr must be a number or a schedule ({ kind, lr, ... }), got ${describeValue(lr)}`);
    }
    this.schedule = typeof lr === 'number' ? { kind: 'constant', lr } : { ...lr };
    try {
      validateSchedule(this.schedule);
    } catch (e) {
      // Its keys are the schedule's ('schedule.lr'); say which Trainer option held it.
      if (e instanceof ConfigError) throw new ConfigError(`lr.${e.key.replace(/^schedule\./, '')}`, `Trainer option lr: ${e.message}`);
      throw e;
    }
    const betas = options.betas ?? [0.9, 0.95];
    if (!Array.isArray(betas) || betas.length !== 2 || !betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)) {
      throw new ConfigError('betas', `Trainer option betas must be two numbers in [0, 1), got ${describeValue(betas)}`);
    }
    const decay = options.decay ?? 'matrices';
    if (!['matrices', 'matrices+embeddings', 'all'].includes(decay)) {
      throw new ConfigError('decay', `Trainer option decay must be 'matrices', 'matrices+embeddings' or 'all', got ${describeValue(decay)}`);
    }
    const onNonFinite = options.onNonFinite ?? 'throw';
    if (onNonFinite !== 'throw' && onNonFinite !== 'skip') {
      throw new ConfigError('onNonFinite', `Trainer option onNonFinite must be 'throw' or 'skip', got ${describeValue(onNonFinite)}`);
    }
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed)) throw new ConfigError('seed', `Trainer option seed must be a safe integer, got ${describeValue(seed)}`);
    const trainData = tokenArray('trainData', options.trainData, V);
    const valData = options.valData === undefined ? undefined : tokenArray('valData', options.valData, V);
    for (const [key, data] of [['trainData', trainData], ['valData', valData]] as const) {
      if (data !== undefined && data.length < this.blockSize + 1) {
        throw new ShapeError(`Trainer: ${key} has ${data.length} tokens, fewer than one window of blockSize + 1 = ${this.blockSize + 1}`);
      }
    }
    this.#options = {
      trainData,
      valData,
      batchSize: this.batchSize,
      gradAccumSteps: this.gradAccumSteps,
      betas: [betas[0], betas[1]],
      eps: number('eps', options.eps ?? 1e-8, (v) => v > 0 && v < 1, 'a number in (0, 1)'),
      weightDecay: number('weightDecay', options.weightDecay ?? 0.1, (v) => v >= 0 && Number.isFinite(v), 'a finite number ≥ 0'),
      decay,
      gradClip: number('gradClip', options.gradClip ?? 1.0, (v) => v > 0, 'a number > 0 (Infinity disables clipping)'),
      evalInterval: integer('evalInterval', options.evalInterval ?? 0, 0),
      evalBatches: integer('evalBatches', options.evalBatches ?? 20, 1),
      seed,
      onNonFinite,
    };
    this.#loader = new BatchLoader(trainData, { batchSize: this.batchSize, blockSize: this.blockSize, seed });
    this.#engine = model.createTrainingEngine(this.batchSize, this.blockSize);
    this.#engine.setWeightDecayTensors((t) => decay === 'all' || t.decay || (decay === 'matrices+embeddings' && (t.name === 'wte' || t.name === 'wpe')));
    this.#engine.resetMoments();
  }

  /** Optimizer steps done so far. */
  get stepCount(): number {
    return this.#step;
  }

  /** The learning rate the next step will use. */
  get currentLr(): number {
    return learningRate(this.schedule, this.#step);
  }

  /** One optimizer step; returns its statistics. Throws `NonFiniteError` (nothing applied) in 'throw' mode. */
  step(): StepInfo {
    this.#live();
    const start = performance.now();
    const o = this.#options;
    const e = this.#engine;
    const lr = learningRate(this.schedule, this.#step);
    const training = this.model.config.dropout > 0;
    e.zeroGrad();
    let lossSum = 0;
    let finite = true;
    for (let micro = 0; micro < o.gradAccumSteps; micro++) {
      const batch = this.#loader.next();
      const loss = e.forward(batch.x, batch.y, training, dropoutSeed(o.seed, this.#step, micro));
      lossSum += loss;
      if (!Number.isFinite(loss)) {
        finite = false;
        break;
      }
      e.backward();
    }
    const loss = lossSum / o.gradAccumSteps;
    let gradNorm = NaN;
    if (finite) {
      if (o.gradAccumSteps > 1) e.scaleGrads(1 / o.gradAccumSteps);
      gradNorm = e.clipGradients(o.gradClip === Infinity ? Infinity : o.gradClip);
      finite = Number.isFinite(gradNorm);
    }
    const stepNumber = this.#step + 1;
    if (!finite) {
      if (o.onNonFinite === 'throw') {
        throw new NonFiniteError(stepNumber, `Trainer: step ${stepNumber} produced a non-finite ${Number.isFinite(loss) ? `gradient norm (${gradNorm})` : `loss (${loss})`}; the update was not applied (lr ${lr}). Lower the learning rate, or pass onNonFinite: 'skip'`);
      }
      this.#skipped++;
    } else {
      e.update({ lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay }, stepNumber - this.#skipped);
    }
    this.#step = stepNumber;
    const ms = performance.now() - start;
    this.#elapsed += ms;
    const tokens = this.batchSize * this.blockSize * o.gradAccumSteps;
    return { step: stepNumber, loss, lr, gradNorm, tokensPerSec: (tokens * 1000) / ms, elapsed: this.#elapsed, skipped: !finite };
  }

  /**
   * Mean validation loss over `batches` windows drawn with a fixed seed (the same windows every time, so
   * evaluations are comparable), and its perplexity. Dropout is off.
   */
  evaluate(batches = this.#options.evalBatches): EvalInfo {
    this.#live();
    const val = this.#options.valData;
    if (val === undefined) throw new ConfigError('valData', 'Trainer.evaluate needs the valData option');
    const loader = new BatchLoader(val, { batchSize: this.batchSize, blockSize: this.blockSize, seed: 0x5eed });
    let sum = 0;
    for (let i = 0; i < batches; i++) {
      const b = loader.next();
      sum += this.#engine.forward(b.x, b.y, false);
    }
    const valLoss = sum / batches;
    return { step: this.#step, valLoss, perplexity: Math.exp(valLoss) };
  }

  /** Steps as an async iterator of step (and eval) events; stops early, cleanly, when `signal` aborts. */
  async *run({ steps, signal }: RunOptions): AsyncGenerator<TrainEvent> {
    integer('steps', steps, 0);
    const every = this.#options.evalInterval;
    for (let i = 0; i < steps; i++) {
      if (signal?.aborted) return;
      const info = this.step();
      yield { type: 'step', ...info };
      if (every > 0 && this.#options.valData !== undefined && info.step % every === 0) yield { type: 'eval', ...this.evaluate() };
      await yieldToEventLoop();
    }
  }

  /** `run` with callbacks; resolves with a summary (also when aborted). */
  async train({ steps, signal, onStep, onEval }: TrainOptions): Promise<TrainSummary> {
    let lastLoss = NaN;
    let lastValLoss: number | undefined;
    let done = 0;
    for await (const ev of this.run({ steps, signal })) {
      if (ev.type === 'step') {
        lastLoss = ev.loss;
        done++;
        onStep?.(ev);
      } else {
        lastValLoss = ev.valLoss;
        onEval?.(ev);
      }
    }
    return { steps: done, lastLoss, lastValLoss, aborted: signal?.aborted === true && done < steps, elapsed: this.#elapsed };
  }

  /** Everything besides the weights needed to continue exactly (moments are copies). */
  getState(): TrainerState {
    this.#live();
    const { m, v } = this.#engine.readMoments();
    return {
      tensors: { 'adamw.m': m, 'adamw.v': v },
      meta: {
        format: 'wasm-gpt-trainer-1',
        step: this.#step,
        skippedSteps: this.#skipped,
        seed: this.#options.seed,
        batchSize: this.batchSize,
        blockSize: this.blockSize,
        gradAccumSteps: this.gradAccumSteps,
        loader: this.#loader.getState(),
        schedule: this.schedule,
        elapsed: this.#elapsed,
      },
    };
  }

  /**
   * Continues from `getState()` output (weights are restored on the model separately). The trainer must have
   * the same batchSize, blockSize, gradAccumSteps and seed; the schedule comes from this trainer's options.
   */
  setState(state: TrainerState | { tensors: Record<string, Float32Array>; meta: unknown; source?: string }): void {
    this.#live();
    // A state read from a checkpoint carries its file: errors about it say which one.
    const source = (state as { source?: unknown } | null)?.source;
    try {
      this.#setState(state);
    } catch (e) {
      if (typeof source === 'string' && e instanceof Error && !e.message.startsWith(source)) e.message = `${source}: ${e.message}`;
      throw e;
    }
  }

  #setState(state: TrainerState | { tensors: Record<string, Float32Array>; meta: unknown }): void {
    const meta = state?.meta as Partial<TrainerStateMeta> | undefined;
    if (meta?.format !== 'wasm-gpt-trainer-1') throw new ConfigError('state', `Trainer.setState: not a wasm-gpt trainer state (format ${describeValue(meta?.format)})`);
    for (const key of ['batchSize', 'blockSize', 'gradAccumSteps', 'seed'] as const) {
      const mine = key === 'seed' ? this.#options.seed : this[key];
      if (meta[key] !== mine) {
        throw new ConfigError(key, `Trainer.setState: the state was saved with ${key} = ${describeValue(meta[key])}, this trainer has ${mine}; exact resumption needs the same value`);
      }
    }
    // The wasm core's AdamW takes the 1-based step as a u32.
    if (!Number.isInteger(meta.step) || meta.step! < 0 || meta.step! > 2 ** 32 - 2 || !Number.isInteger(meta.skippedSteps)) {
      throw new ConfigError('step', `Trainer.setState: step must be an integer in [0, 2^32 - 2], got ${describeValue(meta.step)}`);
    }
    const n = this.#engine.layout.total;
    for (const name of ['adamw.m', 'adamw.v'] as const) {
      const t = (state.tensors as Record<string, Float32Array> | undefined)?.[name];
      if (!(t instanceof Float32Array) || t.length !== n) {
        throw new ShapeError(`Trainer.setState: tensor ${name} must be a Float32Array of ${n} floats, got ${describeValue(t)}`);
      }
    }
    this.#loader.setState(meta.loader as BatchLoaderState);
    this.#engine.writeMoments(state.tensors['adamw.m']!, state.tensors['adamw.v']!);
    this.#step = meta.step!;
    this.#skipped = meta.skippedSteps!;
    this.#elapsed = typeof meta.elapsed === 'number' ? meta.elapsed : 0;
  }

  /** Frees the gradients, moments and activations (the model stays usable). */
  dispose(): void {
    if (this.#disposed) return;
    this.#engine.free();
    this.#disposed = true;
  }

  #live(): void {
    if (this.#disposed) throw new DisposedError('Trainer: this trainer was disposed');
  }
}
