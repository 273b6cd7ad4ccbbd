/**
 * The worker side of `createWorker()`: a module Worker (browsers) or a `worker_threads` Worker (Node) that
 * serves `WorkerApi` with comlink. It loads one wasm core (which starts its own thread pool: workers nested in
 * this one) and runs every model and trainer on it, so the thread that blocks on the pool is this worker, never
 * a page's main thread.
 *
 * Each model or trainer is exposed on a MessageChannel of its own (see protocol.ts). Errors leave as
 * `WireError`s so the client can rebuild their classes.
 */
import { expose, finalizer, transfer, wrap, type Endpoint, type Remote } from 'comlink';
// Static, unlike env.ts's lazy import: Node must expose the service before this module's importer runs, and
// this script imports comlink by bare name anyway, so it never runs unbundled in a browser.
import { nodePlatform } from '#platform';
import { isNode } from '../env.js';
import { decodeCheckpoint } from '../checkpoint/index.js';
import { ConfigError, WasmGptError } from '../errors.js';
import { GPT } from '../model/gpt.js';
import { QuantizedGPT } from '../model/quantized.js';
import type { GPTConfigInput, PresetName } from '../model/config.js';
import type { InitScheme } from '../model/init.js';
import type { MemoryEstimate } from '../model/memory.js';
import { Sampler } from '../sampler/sampler.js';
import type { GenerateResult, GenerationChunk } from '../sampler/options.js';
import { loadTokenizer } from '../tokenizer/load.js';
import { Trainer, type EvalInfo, type StepInfo, type TrainerOptions, type TrainerState, type TrainEvent, type TrainSummary } from '../train/trainer.js';
import type { WasmCore, Capabilities } from '../wasm/core.js';
import { initWasm } from '../wasm/loader.js';
import {
  type CheckpointFiles, type GenerateEventsApi, type Handle, type LoadedCheckpoint, type ModelApi, type ModelInfo,
  type SamplerApi, type SamplerInfo, type TrainerApi, type TrainerInfo, type TrainerStatus, type TrainEventsApi,
  type WireCoreOptions, type WireGenerateOptions, type WireSamplerOptions, type WireTrainOptions, type WorkerApi,
  type WorkerModelOptions, type QuantizedModelApi, type QuantizedModelInfo,
} from './protocol.js';
import { toWireError } from './wire-error.js';

/** Calls `fn`, turning a throw or rejection into a `WireError` rejection. */
async function wired<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toWireError(err);
  }
}

/**
 * Exposes `service` on a new channel and returns the handle to send back. Every method's errors are wired;
 * comlink calls `dispose` when the client releases its end (explicitly or when its proxy is collected).
 */
function serve<Api, Info>(service: Api & { dispose(): void }, info: Info): Handle<Api, Info> {
  const exposed: Record<string | symbol, unknown> = {};
  let proto = Object.getPrototypeOf(service);
  for (; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = (service as Record<string, unknown>)[name];
      if (name === 'constructor' || typeof method !== 'function' || name in exposed) continue;
      exposed[name] = (...args: unknown[]) => wired(() => (method as (...a: unknown[]) => unknown).apply(service, args));
    }
  }
  exposed[finalizer] = () => service.dispose();
  const { port1, port2 } = new MessageChannel();
  expose(exposed, port1 as unknown as Endpoint);
  return transfer({ port: port2, info }, [port2]);
}

/** Sends checkpoint files without copying them (each distinct buffer once: transferring one twice throws). */
function transferFiles(files: CheckpointFiles): CheckpointFiles {
  return transfer(files, [...new Set([...files.values()].map((bytes) => bytes.buffer as ArrayBuffer))]);
}

class TrainerService implements TrainerApi {
  readonly #trainer: Trainer;
  #running: AbortController | undefined;

  constructor(trainer: Trainer) {
    this.#trainer = trainer;
  }

  step(): StepInfo {
    return this.#trainer.step();
  }

  evaluate(batches?: number): EvalInfo {
    return batches === undefined ? this.#trainer.evaluate() : this.#trainer.evaluate(batches);
  }

  async train({ steps, aborted, events }: WireTrainOptions): Promise<TrainSummary> {
    if (this.#running !== undefined) throw new WasmGptError('Trainer.train: this trainer is already training (one run at a time)');
    const controller = new AbortController();
    if (aborted) controller.abort();
    this.#running = controller;
    const sink: Remote<TrainEventsApi> | undefined = events && wrap<TrainEventsApi>(events as unknown as Endpoint);
    // Events are not awaited one by one (a slow page must not slow training); replies come back in order, so
    // awaiting the last one means the main side has seen every event before `train` resolves there.
    let delivered: Promise<unknown> = Promise.resolve();
    let callbackError: unknown;
    const send = (ev: TrainEvent) => {
      delivered = sink!.event(ev).catch((err: unknown) => {
        callbackError ??= err;
        controller.abort();
      });
    };
    try {
      const summary = await this.#trainer.train({
        steps,
        signal: controller.signal,
        onStep: sink && ((info) => send(info as TrainEvent)),
        onEval: sink && ((info) => send(info as TrainEvent)),
      });
      await delivered;
      if (callbackError !== undefined) throw callbackError;
      return summary;
    } finally {
      this.#running = undefined;
      events?.close();
    }
  }

  abort(): void {
    this.#running?.abort();
  }

  getState(): TrainerState {
    const state = this.#trainer.getState();
    const { 'adamw.m': m, 'adamw.v': v } = state.tensors;
    return transfer(state, [m.buffer, v.buffer]);
  }

  setState(state: TrainerState): void {
    this.#trainer.setState(state);
  }

  status(): TrainerStatus {
    return { stepCount: this.#trainer.stepCount, currentLr: this.#trainer.currentLr };
  }

  toCheckpoint(): CheckpointFiles {
    return transferFiles(this.#trainer.model.toCheckpoint(this.#trainer));
  }

  dispose(): void {
    this.#running?.abort();
    this.#trainer.dispose();
  }
}

class SamplerService implements SamplerApi {
  readonly #sampler: Sampler;
  #running: AbortController | undefined;

  constructor(sampler: Sampler) {
    this.#sampler = sampler;
  }

  async generate({ aborted, events, ...options }: WireGenerateOptions): Promise<GenerateResult> {
    if (this.#running !== undefined) {
      events?.close();
      throw new WasmGptError('Sampler.generate: this sampler is already generating (one generation at a time)');
    }
    const controller = new AbortController();
    if (aborted) controller.abort();
    this.#running = controller;
    try {
      const generateOptions = { ...options, signal: controller.signal };
      if (events === undefined) return await this.#sampler.generate(generateOptions);
      // As in TrainerService.train: chunks are not awaited one by one (a slow page must not slow generation);
      // replies come back in order, so awaiting the last one means the main side has seen every chunk.
      const sink = wrap<GenerateEventsApi>(events as unknown as Endpoint);
      let delivered: Promise<unknown> = Promise.resolve();
      let callbackError: unknown;
      const stream = this.#sampler.stream(generateOptions);
      for (;;) {
        let next: IteratorResult<GenerationChunk, GenerateResult>;
        try {
          next = await stream.next();
        } catch (err) {
          await delivered;
          throw callbackError ?? err; // a failing callback aborted the generation: report the callback's error
        }
        if (next.done) {
          await delivered;
          if (callbackError !== undefined) throw callbackError;
          return next.value;
        }
        const chunk: GenerationChunk = next.value;
        delivered = sink.chunk(chunk).catch((err: unknown) => {
          callbackError ??= err;
          controller.abort();
        });
      }
    } finally {
      this.#running = undefined;
      events?.close();
    }
  }

  abort(): void {
    this.#running?.abort();
  }

  dispose(): void {
    this.#running?.abort();
    this.#sampler.dispose();
  }
}

/** A Sampler on `model` (float32 or q8) served on its own channel; the tokenizer arrives as its JSON. */
function samplerHandle(model: GPT | QuantizedGPT, options: WireSamplerOptions): Handle<SamplerApi, SamplerInfo> {
  const tokenizer = options.tokenizer === undefined ? undefined : loadTokenizer(options.tokenizer);
  return serve<SamplerApi, SamplerInfo>(new SamplerService(new Sampler(model, { tokenizer })), { hasTokenizer: tokenizer !== undefined });
}

class ModelService implements ModelApi {
  readonly #gpt: GPT;

  constructor(gpt: GPT) {
    this.#gpt = gpt;
  }

  forward(tokens: ArrayLike<number>, B: number, T: number): Float32Array {
    const logits = this.#gpt.forward(tokens, B, T);
    return transfer(logits, [logits.buffer]);
  }

  loss(inputs: ArrayLike<number>, targets: ArrayLike<number>, B?: number, T?: number): number {
    return this.#gpt.loss(inputs, targets, B, T);
  }

  getParameters(): Float32Array {
    const params = this.#gpt.getParameters();
    return transfer(params, [params.buffer]);
  }

  setParameters(data: Float32Array): void {
    this.#gpt.setParameters(data);
  }

  init(scheme?: InitScheme, seed?: number): void {
    this.#gpt.init(scheme, seed);
  }

  estimateMemory(batchSize: number, blockSize?: number, training?: boolean): MemoryEstimate {
    return this.#gpt.estimateMemory(batchSize, blockSize, training);
  }

  createTrainer(options: TrainerOptions): Handle<TrainerApi, TrainerInfo> {
    const trainer = new Trainer(this.#gpt, options);
    const { batchSize, blockSize, gradAccumSteps, schedule } = trainer;
    return serve<TrainerApi, TrainerInfo>(new TrainerService(trainer), { batchSize, blockSize, gradAccumSteps, schedule });
  }

  createSampler(options: WireSamplerOptions): Handle<SamplerApi, SamplerInfo> {
    return samplerHandle(this.#gpt, options);
  }

  toCheckpoint(): CheckpointFiles {
    return transferFiles(this.#gpt.toCheckpoint());
  }

  quantize(dtype: 'q8'): Handle<QuantizedModelApi, QuantizedModelInfo> {
    return quantizedHandle(this.#gpt.quantize(dtype));
  }

  dispose(): void {
    this.#gpt.dispose();
  }

}

class QuantizedModelService implements QuantizedModelApi {
  readonly #model: QuantizedGPT;

  constructor(model: QuantizedGPT) {
    this.#model = model;
  }

  createSampler(options: WireSamplerOptions): Handle<SamplerApi, SamplerInfo> {
    return samplerHandle(this.#model, options);
  }

  toCheckpoint(): CheckpointFiles {
    return transferFiles(this.#model.toCheckpoint());
  }

  dispose(): void {
    this.#model.dispose();
  }
}

function quantizedHandle(q: QuantizedGPT): Handle<QuantizedModelApi, QuantizedModelInfo> {
  const { config, parameterCount, byteLength, backend } = q;
  return serve<QuantizedModelApi, QuantizedModelInfo>(new QuantizedModelService(q), { config, parameterCount, byteLength, backend });
}

function modelHandle(gpt: GPT): Handle<ModelApi, ModelInfo> {
  return serve<ModelApi, ModelInfo>(new ModelService(gpt), { config: gpt.config, parameterCount: gpt.parameterCount, backend: gpt.backend });
}

function checkModelOptions(options: WorkerModelOptions): void {
  for (const key of ['threads', 'core']) {
    if (options !== null && typeof options === 'object' && key in options) {
      throw new ConfigError(key, `model option '${key}' belongs to the worker: pass it to createWorker(), not createModel()`);
    }
  }
}

class WorkerService implements WorkerApi {
  #core: Promise<WasmCore> | undefined;

  init(options: WireCoreOptions): Promise<Capabilities> {
    return wired(async () => {
      this.#core ??= initWasm({
        threads: options.threads,
        artifact: options.artifact,
        gemmKernel: options.gemmKernel,
        wasmUrl: options.wasmUrl,
        wasmPaths: options.wasmPaths,
        workerUrl: options.threadWorkerUrl,
      });
      return (await this.#core).capabilities();
    });
  }

  createModel(config: GPTConfigInput | PresetName, options: WorkerModelOptions): Promise<Handle<ModelApi, ModelInfo>> {
    return wired(async () => {
      checkModelOptions(options);
      return modelHandle(await GPT.create(config, { ...options, core: await this.#loadedCore() }));
    });
  }

  modelFromParameters(config: GPTConfigInput | PresetName, params: Float32Array, options: WorkerModelOptions): Promise<Handle<ModelApi, ModelInfo>> {
    return wired(async () => {
      checkModelOptions(options);
      return modelHandle(await GPT.fromParameters(config, params, { ...options, core: await this.#loadedCore() }));
    });
  }

  loadCheckpoint(files: CheckpointFiles, options: WorkerModelOptions): Promise<LoadedCheckpoint> {
    return wired(async () => {
      checkModelOptions(options);
      const ck = decodeCheckpoint(files);
      const gpt = await GPT.fromCheckpoint(ck, { ...options, core: await this.#loadedCore() });
      const model = modelHandle(gpt);
      // comlink reads the transfer list of the returned object only, so the nested handle's port goes in it too.
      if (ck.state === undefined) return transfer({ model }, [model.port]);
      const buffers = new Set(Object.values(ck.state.tensors).map((t) => t.buffer as ArrayBuffer));
      return transfer({ model, state: ck.state }, [model.port, ...buffers]);
    });
  }

  loadQuantizedCheckpoint(files: CheckpointFiles, options: WorkerModelOptions): Promise<Handle<QuantizedModelApi, QuantizedModelInfo>> {
    return wired(async () => {
      checkModelOptions(options);
      const q = await QuantizedGPT.fromCheckpoint(files, { ...options, core: await this.#loadedCore() });
      return quantizedHandle(q);
    });
  }

  #loadedCore(): Promise<WasmCore> {
    if (this.#core === undefined) throw new WasmGptError('wasm-gpt worker: init() must come first (createWorker does it)');
    return this.#core;
  }
}

const service = new WorkerService();
// No top-level await: bundlers may emit this worker as a classic script, where it is a syntax error.
if (isNode() && nodePlatform !== undefined) {
  const parentPort = nodePlatform.parentPort();
  if (parentPort === null) throw new WasmGptError('gpt-worker.js runs as a worker: start it with createWorker()');
  expose(service, nodePlatform.nodeEndpoint(parentPort) as Endpoint);
} else {
  expose(service, globalThis as unknown as Endpoint);
}
