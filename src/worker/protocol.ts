/**
 * The wire protocol between `createWorker()` (main side, spawn.ts and the remote-*.ts classes) and `gpt-worker.js` (worker side): one
 * interface per remote object. The worker implements each interface (`implements WorkerApi`, ...), and the main
 * side calls it through comlink's `Remote<...>` of the same interface, so a change on either side that the other
 * does not follow is a compile error.
 *
 * Every object created in the worker (a model, a trainer) gets its own MessageChannel: it crosses the wire as a
 * `Handle` (the port that serves it plus the facts the client needs synchronously), and the main side wraps the
 * port. Releasing a client closes its port and frees the object in the worker.
 *
 * Checkpoints cross as `CheckpointFiles` (file name → bytes, the `GPT.toCheckpoint` format), transferred both
 * ways. A model's checkpoint with its trainer's state comes from the trainer (`TrainerApi.toCheckpoint`), which
 * knows its model, so the wire never has to name one object from another's port.
 *
 * The Sampler: `ModelApi.createSampler` serves a `SamplerApi`, whose `generate` streams chunks through an
 * events port exactly as `TrainerApi.train` streams steps, with `abort()` beside it.
 */
import type { GPTConfig, GPTConfigInput, PresetName } from '../model/config.js';
import type { GPTOptions } from '../model/gpt.js';
import type { InitScheme } from '../model/init.js';
import type { MemoryEstimate } from '../model/memory.js';
import type { GenerateOptions, GenerateResult, GenerationChunk } from '../sampler/options.js';
import type { ScheduleSpec } from '../train/schedule.js';
import type { EvalInfo, StepInfo, TrainEvent, TrainerOptions, TrainerState, TrainSummary } from '../train/trainer.js';
import type { TrainingState } from '../checkpoint/index.js';
import type { ArtifactName } from '../wasm/artifacts.js';
import type { GemmKernelName } from '../wasm/gemm-kernels.js';
import type { Capabilities } from '../wasm/core.js';

declare const servedApi: unique symbol;

/** An object living in the worker, as it crosses the wire: the port that serves `Api`, and `info` about it. */
export interface Handle<Api, Info> {
  port: MessagePort;
  info: Info;
  /** Type only (never present): which interface `port` serves. */
  readonly [servedApi]?: Api;
}

/** The wasm core the worker loads once and shares between its models. URLs travel as absolute strings. */
export interface WireCoreOptions {
  threads?: number;
  artifact?: 'auto' | ArtifactName;
  gemmKernel?: 'auto' | GemmKernelName;
  wasmUrl?: Partial<Record<ArtifactName, string>>;
  wasmPaths?: string;
  threadWorkerUrl?: string;
}

/** GPT options that make sense per model inside a worker (threads and the core belong to the worker). */
export type WorkerModelOptions = Omit<GPTOptions, 'core' | 'threads'>;

export interface WorkerApi {
  /** Loads the wasm core; resolves to its capabilities. Called once, by `createWorker`. */
  init(options: WireCoreOptions): Promise<Capabilities>;
  createModel(config: GPTConfigInput | PresetName, options: WorkerModelOptions): Promise<Handle<ModelApi, ModelInfo>>;
  /** `params` arrives transferred. */
  modelFromParameters(config: GPTConfigInput | PresetName, params: Float32Array, options: WorkerModelOptions): Promise<Handle<ModelApi, ModelInfo>>;
  /** `files` arrive transferred; the training state, when the checkpoint has one, goes back transferred. */
  loadCheckpoint(files: CheckpointFiles, options: WorkerModelOptions): Promise<LoadedCheckpoint>;
  /** `files` (a q8 or a float32 checkpoint, quantized while loading) arrive transferred. */
  loadQuantizedCheckpoint(files: CheckpointFiles, options: WorkerModelOptions): Promise<Handle<QuantizedModelApi, QuantizedModelInfo>>;
}

/** Checkpoint files by name (config.json, model.safetensors, training_state.*), as `GPT.toCheckpoint` makes them. */
export type CheckpointFiles = Map<string, Uint8Array>;

export interface LoadedCheckpoint {
  model: Handle<ModelApi, ModelInfo>;
  state?: TrainingState;
}

export interface QuantizedModelInfo {
  config: GPTConfig;
  parameterCount: number;
  byteLength: number;
  backend: 'wasm' | 'js';
}

/** A `QuantizedGPT` in the worker: it samples and saves; it does not train. */
export interface QuantizedModelApi {
  createSampler(options: WireSamplerOptions): Handle<SamplerApi, SamplerInfo>;
  /** q8 checkpoint files, transferred. */
  toCheckpoint(): CheckpointFiles;
  dispose(): void;
}

export interface ModelInfo {
  config: GPTConfig;
  parameterCount: number;
  backend: 'wasm' | 'js';
}

export interface ModelApi {
  /** Logits, transferred. */
  forward(tokens: ArrayLike<number>, B: number, T: number): Float32Array;
  loss(inputs: ArrayLike<number>, targets: ArrayLike<number>, B?: number, T?: number): number;
  /** Parameters in layout order, transferred. */
  getParameters(): Float32Array;
  /** `data` arrives transferred. */
  setParameters(data: Float32Array): void;
  init(scheme?: InitScheme, seed?: number): void;
  estimateMemory(batchSize: number, blockSize?: number, training?: boolean): MemoryEstimate;
  createTrainer(options: TrainerOptions): Handle<TrainerApi, TrainerInfo>;
  createSampler(options: WireSamplerOptions): Handle<SamplerApi, SamplerInfo>;
  /** The weights as checkpoint files, transferred. */
  toCheckpoint(): CheckpointFiles;
  /** An inference-only copy with int8 weights (`GPT.quantize`), served beside this model. */
  quantize(dtype: 'q8'): Handle<QuantizedModelApi, QuantizedModelInfo>;
  dispose(): void;
}

/** `SamplerOptions` as they cross the wire: a tokenizer travels as its `save()` JSON. */
export interface WireSamplerOptions {
  tokenizer?: string;
}

export interface SamplerInfo {
  /** Whether the sampler has a tokenizer (text prompts, text pieces, stop strings). */
  hasTokenizer: boolean;
}

/** `Sampler.generate` / `stream` as they cross the wire: the AbortSignal becomes `aborted` + `abort()`. */
export type WireGenerateOptions = Omit<GenerateOptions, 'signal'> & {
  /** The caller's signal was already aborted. */
  aborted: boolean;
  /** Serves `GenerateEventsApi` on the main side: present when streaming. */
  events?: MessagePort;
};

/** Served by the main side on `WireGenerateOptions.events`; the worker awaits the last delivery before resolving. */
export interface GenerateEventsApi {
  chunk(chunk: GenerationChunk): void;
}

export interface SamplerApi {
  generate(options: WireGenerateOptions): Promise<GenerateResult>;
  /** Stops the running generation (which then rejects with an AbortError); no-op when none runs. */
  abort(): void;
  dispose(): void;
}

export interface TrainerInfo {
  batchSize: number;
  blockSize: number;
  gradAccumSteps: number;
  schedule: ScheduleSpec;
}

/** `Trainer.train` as it crosses the wire: the AbortSignal becomes `aborted` + `abort()`, callbacks an events port. */
export interface WireTrainOptions {
  steps: number;
  /** The caller's signal was already aborted: run no step. */
  aborted: boolean;
  /** Serves `TrainEventsApi` on the main side; absent when the caller passed no callback. */
  events?: MessagePort;
}

/** Served by the main side on `WireTrainOptions.events`; the worker awaits the last delivery before resolving. */
export interface TrainEventsApi {
  event(ev: TrainEvent): void;
}

export interface TrainerStatus {
  stepCount: number;
  currentLr: number;
}

export interface TrainerApi {
  step(): StepInfo;
  evaluate(batches?: number): EvalInfo;
  train(options: WireTrainOptions): Promise<TrainSummary>;
  /** Stops the running `train` between two steps (no-op when none runs). */
  abort(): void;
  /** Moments transferred. */
  getState(): TrainerState;
  /** Moments arrive transferred. */
  setState(state: TrainerState): void;
  status(): TrainerStatus;
  /** The model's weights and this trainer's state as checkpoint files, transferred. */
  toCheckpoint(): CheckpointFiles;
  dispose(): void;
}
