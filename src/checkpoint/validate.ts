/**
 * Checks a checkpoint's files against each other and against what this library can hold, before anything
 * large is allocated: the config's sizes against the file that must carry that many parameters and against
 * wasm32 memory (the estimate `GPT.create` uses), and the training state against the config. Every error is a
 * `FormatError` (or `MemoryLimitError`) naming the file and the key; no work here grows with a number written
 * in a file, only with the files' sizes.
 */
import { FormatError, MemoryLimitError, describeValue } from '../errors.js';
import { paramLayout, type ModelDims } from '../model/layout.js';
import { checkMemory } from '../model/memory.js';

/** The bound `GPT.create` puts on every size (resolveConfig). */
const MAX_SIZE = 2 ** 24;
/** The narrowest dtype a weight file may use (F16, BF16): a file of n bytes holds at most n/2 parameters. */
const MIN_WEIGHT_BYTES = 2;

const HF_KEYS: Record<'vocabSize' | 'blockSize' | 'nLayer' | 'nHead' | 'nEmbd', string> = {
  vocabSize: 'vocab_size', blockSize: 'n_positions', nLayer: 'n_layer', nHead: 'n_head', nEmbd: 'n_embd',
};

/**
 * The sizes of a checkpoint's config.json (already parsed by `configFromHF`) against the limits: each size
 * within `GPT.create`'s bound, the parameter count within what `modelFileBytes` can carry, and the model within
 * wasm32 memory. Throws `FormatError` (file and key) or `MemoryLimitError` (naming the file).
 */
/** `minWeightBytes`: 2 for float checkpoints (F16 is the smallest dtype read), ~1 for q8 ones. */
export function checkCheckpointDims(dims: ModelDims, configFile: string, modelFile: string, modelFileBytes: number, minWeightBytes = MIN_WEIGHT_BYTES): void {
  for (const [ours, key] of Object.entries(HF_KEYS) as [keyof typeof HF_KEYS, string][]) {
    if (dims[ours] > MAX_SIZE) {
      throw new FormatError(`${configFile}: ${key} = ${dims[ours]} is beyond what this library supports (≤ 2^24)`, { file: configFile, key });
    }
  }
  const count = paramLayout(dims).total;
  if (count * minWeightBytes > modelFileBytes) {
    throw new FormatError(
      `${configFile}: the config needs ${count.toLocaleString('en-US')} parameters (at least ${(count * minWeightBytes).toLocaleString('en-US')} bytes ` +
        `even in ${8 * minWeightBytes} bits), but ${modelFile} has only ${modelFileBytes.toLocaleString('en-US')} bytes (vocab_size, n_positions, n_layer or n_embd is wrong, or the file is truncated)`,
      { file: configFile },
    );
  }
  try {
    checkMemory(dims, 1, 1, false);
  } catch (e) {
    if (e instanceof MemoryLimitError) throw new MemoryLimitError(`${configFile}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** The trainer's meta format (src/train/trainer.ts `getState`). */
const TRAINER_FORMAT = 'wasm-gpt-trainer-1';
/** The wasm core's AdamW takes the 1-based step as a u32. */
const MAX_STEP = 2 ** 32 - 2;
const TRAINER_TENSORS = ['adamw.m', 'adamw.v'] as const;

/**
 * A training state read from `metaFile` (training_state.json) and `tensorFile` (training_state.safetensors)
 * against the model's config. `meta` stays opaque to the checkpoint layer except where it is the Trainer's
 * (`format: "wasm-gpt-trainer-1"`, directly or under `trainer`, as the CLI stores it), or where the tensors are
 * the Trainer's AdamW moments: then every field `Trainer.setState` relies on is checked here, so a bad state
 * is refused at load naming the file and key rather than on the first `step()`.
 */
export function checkTrainingState(
  meta: unknown, tensors: ReadonlyMap<string, { shape: readonly number[] }>, dims: ModelDims, metaFile: string, tensorFile: string,
): void {
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const nested = isObject(meta) && isObject(meta.trainer) && meta.format === undefined;
  const trainer = nested ? (meta as Record<string, unknown>).trainer : meta;
  const prefix = nested ? 'meta.trainer.' : 'meta.';
  const hasMoments = TRAINER_TENSORS.some((n) => tensors.has(n));
  const isTrainer = isObject(trainer) && trainer.format === TRAINER_FORMAT;
  if (!isTrainer && !hasMoments) return;

  const fail = (key: string, msg: string): never => {
    throw new FormatError(`${metaFile}: ${prefix}${key} ${msg}`, { file: metaFile, key: prefix + key });
  };
  if (!isObject(trainer)) return fail('', `must be the Trainer's state object, got ${describeValue(trainer)}`);
  if (trainer.format !== TRAINER_FORMAT) fail('format', `is ${describeValue(trainer.format)}, expected "${TRAINER_FORMAT}" (${tensorFile} holds the Trainer's AdamW moments)`);
  const int = (key: string, min: number, max: number, value = trainer[key]): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(key, `must be an integer in [${min}, ${max}], got ${describeValue(value)}`);
    }
    return value as number;
  };
  const step = int('step', 0, MAX_STEP);
  int('skippedSteps', 0, step);
  if (!Number.isSafeInteger(trainer.seed)) fail('seed', `must be a safe integer, got ${describeValue(trainer.seed)}`);
  int('batchSize', 1, MAX_SIZE);
  int('blockSize', 1, dims.blockSize);
  int('gradAccumSteps', 1, MAX_SIZE);
  if (trainer.elapsed !== undefined && !(typeof trainer.elapsed === 'number' && Number.isFinite(trainer.elapsed) && trainer.elapsed >= 0)) {
    fail('elapsed', `must be a finite number ≥ 0, got ${describeValue(trainer.elapsed)}`);
  }
  if (trainer.schedule !== undefined && !isObject(trainer.schedule)) fail('schedule', `must be an object, got ${describeValue(trainer.schedule)}`);
  const loader = trainer.loader;
  if (!isObject(loader)) return fail('loader', `must be an object, got ${describeValue(loader)}`);
  if (loader.order !== 'random' && loader.order !== 'sequential') fail('loader.order', `must be "random" or "sequential", got ${describeValue(loader.order)}`);
  int('loader.epoch', 0, Number.MAX_SAFE_INTEGER, loader.epoch);
  // The upper bound of the cursor is the loader's window count, which depends on the data: Trainer.setState checks it.
  int('loader.cursor', 0, Number.MAX_SAFE_INTEGER, loader.cursor);
  const rng = loader.rng;
  if (!Array.isArray(rng) || rng.length !== 4 || rng.some((v) => !Number.isInteger(v) || v < 0 || v >= 2 ** 32) || rng.every((v) => v === 0)) {
    fail('loader.rng', `must be 4 unsigned 32-bit integers, not all zero (xoshiro128** state), got ${JSON.stringify(rng)?.slice(0, 80)}`);
  }

  const n = paramLayout(dims).total;
  for (const name of TRAINER_TENSORS) {
    const t = tensors.get(name);
    if (t === undefined) throw new FormatError(`${tensorFile}: missing tensor ${name} (the Trainer's AdamW moments)`, { file: tensorFile, key: name });
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.shape.length !== 1 || size !== n) {
      throw new FormatError(`${tensorFile}: tensor ${name} has shape [${t.shape.join(', ')}], the config's ${n} parameters need [${n}]`, { file: tensorFile, key: name });
    }
  }
}
