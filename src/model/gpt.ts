/**
 * `GPT`: a decoder-only transformer with its parameters resident on a backend (the wasm core, or the
 * pure-TypeScript twin). It validates the config, checks the memory estimate before allocating, initialises
 * with a named scheme, and runs forward passes; `Trainer` trains it, `Sampler` generates from it.
 */
import { ConfigError, DisposedError, ShapeError, describeValue } from '../errors.js';
import { createJsKernels, createWasmKernels, type Kernels } from '../kernels/index.js';
import { initWasm } from '../wasm/loader.js';
import type { WasmCore } from '../wasm/core.js';
import { resolveConfig, type GPTConfig, type GPTConfigInput, type PresetName } from './config.js';
import { GPTEngine } from './engine.js';
import { INIT_SCHEMES, initParameters, type InitScheme } from './init.js';
import { paramLayout, type ParamLayout } from './layout.js';
import { QuantizedGPT } from './quantized.js';
import { checkMemory, estimateMemory, type MemoryEstimate } from './memory.js';
import {
  decodeCheckpointParts, decodeExtras, encodeCheckpoint, refuseQ8, splitTrainer, type Checkpoint, type CheckpointParts, type DecodeOptions,
  type SaveCheckpointOptions, type TrainingState,
} from '../checkpoint/index.js';
import { writeParamsFromHF } from '../checkpoint/hf-gpt2.js';
import { checkLoadOptions, isPretrainedFile, readPretrainedFiles, type PretrainedLoadOptions } from '../checkpoint/pretrained.js';
import { rejectUnknownKeys } from '../options.js';
import type { GenerateOptions } from '../sampler/options.js';
import type { Tokenizer } from '../tokenizer/types.js';

/** Kernels of either backend; buffers are opaque handles outside the kernel layer. */
export type AnyKernels = Kernels<unknown, unknown>;

export interface GPTOptions {
  /**
   * 'wasm' (default): the Rust core, threads + SIMD when the environment allows, else SIMD on one thread.
   * 'js': the pure-TypeScript twin (slow; for comparison, or where WebAssembly SIMD is missing).
   * 'auto': wasm, falling back to js when this WebAssembly has no SIMD.
   */
  backend?: 'wasm' | 'js' | 'auto';
  /** Threads for the wasm core (default: all cores). Ignored when `core` is given. */
  threads?: number;
  /** An already loaded core to share between models (else one is loaded per thread count and shared). */
  core?: WasmCore;
  /** Initialisation scheme (default 'gpt2'); see init.ts. */
  init?: InitScheme;
  /** Seed of the initialisation (default 0). */
  seed?: number;
}

const OPTION_KEYS = new Set(['backend', 'threads', 'core', 'init', 'seed']);

/** `GPT.fromPretrained`'s options: where the model runs, and how its files load. */
export interface FromPretrainedOptions extends PretrainedLoadOptions, Pick<GPTOptions, 'backend' | 'threads' | 'core'> {}

/** What `GPT.fromPretrained` loads: the model, and what the folder says about using it. */
export interface Pretrained {
  model: GPT;
  /** From tokenizer.json (+ tokenizer_config.json's eos_token); undefined when the folder has none. */
  tokenizer: Tokenizer | undefined;
  /** Sampler defaults from generation_config.json (read with transformers' defaults: greedy unless it says
   * do_sample): pass as `new Sampler(model, { tokenizer, defaults: generationConfig })`. */
  generationConfig: GenerateOptions;
}

const PRETRAINED_KEYS = ['progress', 'cache', 'backend', 'threads', 'core'];
/** transformers' from_pretrained arguments people will try, and what to write instead. */
const PRETRAINED_HINTS: Record<string, string> = {
  force_download: "cache: 'reload'",
  forceDownload: "cache: 'reload'",
  cache_dir: "the browser's OPFS cache (cache: 'default' | 'reload' | 'no-store')",
  local_files_only: 'a directory path (Node) instead of a URL',
  revision: 'a URL that names it (…/resolve/<commit>/)',
  torch_dtype: "nothing: weights load as float32 (F16/BF16 files are converted); for int8 weights, QuantizedGPT.fromPretrained",
};

const sharedCores = new Map<number | undefined, Promise<WasmCore>>();

function sharedCore(threads: number | undefined): Promise<WasmCore> {
  let c = sharedCores.get(threads);
  if (c === undefined) {
    c = initWasm({ threads });
    c.catch(() => sharedCores.delete(threads));
    sharedCores.set(threads, c);
  }
  return c;
}

/** A 1-function module using an i32x4.splat: validates only where WebAssembly SIMD exists. */
function wasmSimdSupported(): boolean {
  const bytes = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
  ]);
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}

/** @internal The kernels `options` ask for (shared cores per thread count). */
export async function kernelsFor(options: GPTOptions): Promise<AnyKernels> {
  const backend = options.backend ?? 'wasm';
  if (backend === 'js' || (backend === 'auto' && !wasmSimdSupported())) return createJsKernels() as AnyKernels;
  const core = options.core ?? (await sharedCore(options.threads));
  return createWasmKernels(core) as AnyKernels;
}

/** @internal */
export function checkOptions(options: GPTOptions): void {
  rejectUnknownKeys('GPT options', options, OPTION_KEYS);
  if (options.backend !== undefined && !['wasm', 'js', 'auto'].includes(options.backend)) {
    throw new ConfigError('backend', `GPT option backend must be 'wasm', 'js' or 'auto', got ${describeValue(options.backend)}`);
  }
  if (options.init !== undefined && !INIT_SCHEMES.includes(options.init)) {
    throw new ConfigError('init', `GPT option init must be one of ${INIT_SCHEMES.map((s) => `'${s}'`).join(', ')}, got ${describeValue(options.init)}`);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    throw new ConfigError('seed', `GPT option seed must be a safe integer, got ${describeValue(options.seed)}`);
  }
}

export class GPT {
  readonly config: GPTConfig;
  readonly kernels: AnyKernels;
  /** Flat parameter buffer in `layout` order, resident on the backend (pass to kernels, not to user code). */
  readonly params: unknown;
  readonly layout: ParamLayout;
  #inference: GPTEngine<unknown, unknown> | undefined;
  #disposed = false;

  private constructor(config: GPTConfig, kernels: AnyKernels) {
    this.config = config;
    this.kernels = kernels;
    this.layout = paramLayout(config);
    this.params = kernels.alloc(this.layout.total);
  }

  /**
   * A freshly initialised model. `config` is a preset name or options (a `preset` plus overrides, or all five
   * sizes); see `GPTConfig`. Throws `ConfigError` naming a bad key, `MemoryLimitError` when the parameters
   * alone cannot fit.
   */
  static async create(config: GPTConfigInput | PresetName, options: GPTOptions = {}): Promise<GPT> {
    checkOptions(options);
    const resolved = resolveConfig(config);
    const kernels = await kernelsFor(options);
    checkMemory(resolved, 1, 1, false);
    const gpt = new GPT(resolved, kernels);
    gpt.init(options.init ?? 'gpt2', options.seed ?? 0);
    return gpt;
  }

  /** A model with the given parameters (our layout; see `getParameters`), e.g. from a checkpoint. */
  static async fromParameters(config: GPTConfigInput | PresetName, params: Float32Array, options: GPTOptions = {}): Promise<GPT> {
    checkOptions(options);
    const resolved = resolveConfig(config);
    const kernels = await kernelsFor(options);
    checkMemory(resolved, 1, 1, false);
    const gpt = new GPT(resolved, kernels);
    gpt.setParameters(params);
    return gpt;
  }

  /**
   * A model from checkpoint files (`toCheckpoint` output, or a Hugging Face GPT-2 `config.json` +
   * `model.safetensors`, F32/F16/BF16), or from an already decoded `Checkpoint`.
   */
  static async fromCheckpoint(
    files: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array> | Checkpoint, options: GPTOptions & DecodeOptions = {},
  ): Promise<GPT> {
    const { allowNonFinite, ...modelOptions } = options;
    if (isDecoded(files)) return GPT.fromParameters(files.dims, files.params, modelOptions);
    return GPT.fromCheckpointParts(decodeCheckpointParts(files, 'checkpoint', { allowNonFinite }), modelOptions, { allowNonFinite });
  }

  /**
   * @internal A model from a checked checkpoint whose weights are converted straight from the file into the
   * model's memory: one copy, and no intermediate array of the parameters (for GPT-2, 500 MB less to allocate).
   */
  static async fromCheckpointParts(parts: CheckpointParts, options: GPTOptions, decode: DecodeOptions): Promise<GPT> {
    refuseQ8(parts);
    checkOptions(options);
    const resolved = resolveConfig(parts.dims);
    const kernels = await kernelsFor(options);
    checkMemory(resolved, 1, 1, false);
    const gpt = new GPT(resolved, kernels);
    try {
      writeParamsFromHF(resolved, parts.tensors, parts.modelFile, (offset, data) => kernels.write(gpt.params, data, offset), decode);
    } catch (e) {
      gpt.dispose();
      throw e;
    }
    return gpt;
  }

  /**
   * A Hub-layout GPT-2 folder: config.json, model.safetensors, and (optional) generation_config.json,
   * tokenizer.json and tokenizer_config.json, from a URL (fetch; in browsers cached in OPFS, see `cache`) or,
   * in Node, a local directory. `progress` reports bytes per file. Training state files are not read (use
   * `loadCheckpoint` to resume training).
   */
  static async fromPretrained(source: string | URL, options: FromPretrainedOptions = {}): Promise<Pretrained> {
    const { parts, extras, gptOptions } = await readPretrained(source, options);
    const model = await GPT.fromCheckpointParts(parts, gptOptions, {});
    return { model, tokenizer: extras.tokenizer, generationConfig: extras.generationConfig };
  }

  /**
   * The checkpoint files as bytes (config.json and model.safetensors in Hugging Face GPT-2's names and layout,
   * generation_config.json, plus the training state when a trainer is given, and tokenizer.json +
   * tokenizer_config.json with `{ tokenizer }`): for downloads, OPFS, or `saveCheckpoint` in Node.
   */
  toCheckpoint(trainerOrOptions?: { getState(): TrainingState } | SaveCheckpointOptions): Map<string, Uint8Array> {
    const { trainer, ...extras } = splitTrainer(trainerOrOptions);
    return encodeCheckpoint(this.config, this.getParameters(), trainer?.getState(), extras);
  }

  get backend(): 'wasm' | 'js' {
    return this.kernels.backend;
  }

  /**
   * An inference-only copy of this model with its weight matrices as int8 blocks (`'q8'`, the only dtype):
   * about 0.28× the memory and decoding ~2× faster on wasm. Runs in `Sampler` and `InferenceSession`; this
   * model stays as it was (dispose it if only the quantized one is needed). Throws `ShapeError` when nEmbd is
   * not a multiple of 32.
   */
  quantize(dtype: 'q8' = 'q8'): QuantizedGPT {
    this.#live();
    if (dtype !== 'q8') throw new ConfigError('dtype', `GPT.quantize: dtype must be 'q8', got ${describeValue(dtype)}`);
    return QuantizedGPT.fromFloat(this.config, this.kernels, this.params);
  }

  /** Number of trainable parameters (tied embeddings counted once). */
  get parameterCount(): number {
    return this.layout.total;
  }

  /** Bytes needed to train (or, with `training: false`, to run) on (batchSize, blockSize) batches. */
  estimateMemory(batchSize: number, blockSize = this.config.blockSize, training = true): MemoryEstimate {
    return estimateMemory(this.config, batchSize, blockSize, training);
  }

  /** Re-initialises every parameter. */
  init(scheme: InitScheme = 'gpt2', seed = 0): void {
    this.#live();
    const host = new Float32Array(this.layout.total);
    initParameters(host, this.config, this.layout, scheme, seed);
    this.kernels.write(this.params, host);
  }

  /** A copy of all parameters, in `layout` order. */
  getParameters(): Float32Array {
    this.#live();
    return this.kernels.read(this.params);
  }

  setParameters(data: Float32Array): void {
    this.#live();
    if (!(data instanceof Float32Array) || data.length !== this.layout.total) {
      throw new ShapeError(`GPT.setParameters: expected a Float32Array of ${this.layout.total} floats, got ${describeValue(data)}`);
    }
    this.kernels.write(this.params, data);
  }

  /**
   * Logits (B, T, V), row-major, for tokens (B·T ids, row-major). T ≤ blockSize. Positions are 0…T-1 in every
   * row, and row t sees tokens 0…t of its own row only.
   */
  forward(tokens: ArrayLike<number>, B: number, T: number): Float32Array {
    const engine = this.#engineFor(tokens, B, T, 'forward');
    engine.forward(tokens);
    return this.kernels.read(engine.a('logits'));
  }

  /**
   * Mean next-token cross-entropy of `targets` given `inputs` (both B·T ids; target -1 is ignored). B and T
   * default to one row of all the tokens.
   */
  loss(inputs: ArrayLike<number>, targets: ArrayLike<number>, B = 1, T = inputs.length / B): number {
    const engine = this.#engineFor(inputs, B, T, 'loss');
    if (targets.length !== inputs.length) {
      throw new ShapeError(`GPT.loss: targets has ${targets.length} ids, inputs has ${inputs.length}`);
    }
    checkIds('GPT.loss', 'targets', targets, this.config.vocabSize, true);
    return engine.forward(inputs, targets);
  }

  /**
   * @internal A training engine on this model's parameters for (B, T) batches (gradients, AdamW moments and
   * activations of its own). Checks the memory estimate first.
   */
  createTrainingEngine(B: number, T: number): GPTEngine<unknown, unknown> {
    this.#live();
    this.#checkShape('Trainer', B, T);
    // The inference engine (if any) is released first: its activations would count against the limit.
    this.#freeInference();
    // The JS twin is held to wasm32's bounds too: past them its typed arrays fail with a bare RangeError.
    checkMemory(this.config, B, T, true);
    return new GPTEngine(this.kernels, this.config, B, T, this.params);
  }

  /** Releases the backend buffers. The model is unusable afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#freeInference();
    this.kernels.free(this.params);
    this.#disposed = true;
  }

  #live(): void {
    if (this.#disposed) throw new DisposedError('GPT: this model was disposed');
  }

  #checkShape(fn: string, B: number, T: number): void {
    if (!Number.isInteger(B) || B < 1) throw new ShapeError(`${fn}: batch size B must be a positive integer, got ${describeValue(B)}`);
    if (!Number.isInteger(T) || T < 1 || T > this.config.blockSize) {
      throw new ShapeError(`${fn}: sequence length T must be an integer in [1, blockSize = ${this.config.blockSize}], got ${describeValue(T)}`);
    }
  }

  #freeInference(): void {
    this.#inference?.free();
    this.#inference = undefined;
  }

  #engineFor(tokens: ArrayLike<number>, B: number, T: number, fn: string): GPTEngine<unknown, unknown> {
    this.#live();
    this.#checkShape(`GPT.${fn}`, B, T);
    if (tokens.length !== B * T) {
      throw new ShapeError(`GPT.${fn}: expected B·T = ${B}·${T} = ${B * T} token ids, got ${tokens.length}`);
    }
    checkIds(`GPT.${fn}`, 'tokens', tokens, this.config.vocabSize, false);
    const e = this.#inference;
    if (e !== undefined && e.B === B && e.T === T) return e;
    this.#freeInference();
    checkMemory(this.config, B, T, false);
    this.#inference = new GPTEngine(this.kernels, this.config, B, T, this.params, true);
    return this.#inference;
  }
}

/** @internal `fromPretrained`'s option checks and reading, up to the weights (shared with `QuantizedGPT`). */
export async function readPretrained(source: string | URL, options: FromPretrainedOptions) {
  if (options === null || typeof options !== 'object') throw new ConfigError('options', `fromPretrained options must be an object, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (PRETRAINED_KEYS.includes(key)) continue;
    const hint = PRETRAINED_HINTS[key];
    throw new ConfigError(key, `fromPretrained has no option '${key}'${hint ? `; use ${hint}` : ''} (known: ${PRETRAINED_KEYS.join(', ')})`);
  }
  const { progress, cache, ...gptOptions } = options;
  checkOptions(gptOptions);
  checkLoadOptions({ progress, cache });
  const { files, source: where } = await readPretrainedFiles(source, { progress, cache });
  const parts = decodeCheckpointParts(files, where, { read: isPretrainedFile });
  const extras = decodeExtras((name) => files.get(name), parts.dims, where);
  return { parts, extras, gptOptions };
}

function isDecoded(x: unknown): x is Checkpoint {
  return typeof x === 'object' && x !== null && 'dims' in x && 'params' in x;
}

/** Every id an integer in [0, V) (or -1 where `allowIgnore`). */
export function checkIds(fn: string, what: string, ids: ArrayLike<number>, V: number, allowIgnore: boolean): void {
  for (let i = 0; i < ids.length; i++) {
    const t = ids[i];
    if (!(Number.isInteger(t) && t < V && (t >= 0 || (allowIgnore && t === -1)))) {
      throw new ShapeError(`${fn}: ${what}[${i}] = ${describeValue(t)} is not a token id in [0, ${V})${allowIgnore ? ' or -1 (ignored)' : ''}`);
    }
  }
}
