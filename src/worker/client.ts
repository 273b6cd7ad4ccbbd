/**
 * The main side of the worker: `createWorker()` starts `gpt-worker.js` (a module Worker in browsers, a
 * `worker_threads` Worker in Node) and returns typed async twins of `GPT` and `Trainer` that run there, so a
 * page's main thread never blocks on training (and the wasm core may use its thread pool, which a page's main
 * thread may not).
 *
 * Guarantees:
 *   - Types: every call goes through comlink's `Remote<...>` of the interfaces in protocol.ts, which the worker
 *     implements; the pass-through methods' public types are derived from the same interfaces (`Client<...>`).
 *   - No hang: every call races the worker's death. A crash (uncaught exception, out of memory, exit) or
 *     `terminate()` rejects every pending call, and every later one, with a `WorkerError` whose `cause` is the
 *     worker's error.
 *   - Transfer, not copy: logits, parameters and trainer state come back transferred; `setParameters`,
 *     `modelFromParameters` and `setState` transfer what they are given (the caller's buffers are detached).
 *   - Node: the worker keeps the process alive only while a call is pending, so a script may end without
 *     `terminate()`.
 */
import { expose, releaseProxy, transfer, wrap, type Endpoint, type Remote } from 'comlink';
import { isNode } from '../env.js';
import {
  ConfigError, FormatError, MemoryLimitError, NonFiniteError, ShapeError, TokenizerError, WasmGptError,
  WasmRuntimeError, WorkerError, describeValue,
} from '../errors.js';
import type { TrainingState } from '../checkpoint/index.js';
import type { GPTConfig, GPTConfigInput, PresetName } from '../model/config.js';
import type { GenerateOptions, GenerateResult, GenerationChunk } from '../sampler/options.js';
import type { SamplerOptions } from '../sampler/sampler.js';
import type { ScheduleSpec } from '../train/schedule.js';
import type { RunOptions, TrainerOptions, TrainerState, TrainEvent, TrainOptions, TrainSummary } from '../train/trainer.js';
import type { ArtifactName } from '../wasm/artifacts.js';
import type { GemmKernelName } from '../wasm/gemm-kernels.js';
import type { Capabilities } from '../wasm/core.js';
import {
  isWireError, type CheckpointFiles, type GenerateEventsApi, type Handle, type ModelApi, type ModelInfo, type SamplerApi,
  type SamplerInfo, type TrainerApi, type TrainerInfo, type TrainerStatus, type TrainEventsApi, type WireCoreOptions,
  type WireError, type WireGenerateOptions, type WorkerApi, type WorkerModelOptions,
} from './protocol.js';

/** The async twin of a wire interface: same arguments, results as promises. */
export type Client<Api> = {
  [K in keyof Api]: Api[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** The part of a Node `worker_threads` Worker used here (structural, so browser builds need no Node types). */
export interface NodeWorkerLike {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

/** The part of a browser `Worker` used here (structural, so Node builds need no DOM types). */
export interface BrowserWorkerLike {
  postMessage(message: any, transfer: any[]): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
  terminate(): void;
}

export interface WorkerOptions {
  /** Threads of the worker's wasm core (default: all cores). Its pool is nested in the worker. */
  threads?: number;
  /** Which wasm build the worker loads (see `initWasm`). */
  artifact?: 'auto' | ArtifactName;
  /** SGEMM register-tile shape of the worker's core (see `initWasm`; default 'auto': timed at load). */
  gemmKernel?: 'auto' | GemmKernelName;
  /** Where the .wasm files are, when a bundler moved them (see `initWasm`). */
  wasmUrl?: Partial<Record<ArtifactName, string | URL>>;
  /** Where `threads/thread-worker.js` is, when a bundler moved it (`initWasm`'s `workerUrl`). */
  threadWorkerUrl?: string | URL;
  /** Where `worker/gpt-worker.js` is (default: next to this module). */
  url?: string | URL;
  /**
   * An already started gpt-worker instead of `url`: a browser module `Worker` (e.g. created where a bundler
   * recognises it) or a Node `worker_threads` Worker, running `gpt-worker.js` or a script that imports it.
   * `terminate()` ends it.
   */
  worker?: BrowserWorkerLike | NodeWorkerLike;
}

const WORKER_OPTION_KEYS = new Set(['threads', 'artifact', 'gemmKernel', 'wasmUrl', 'threadWorkerUrl', 'url', 'worker']);

const ERROR_CLASSES: Record<string, new (message: string) => Error> = {
  WasmGptError, WasmRuntimeError, FormatError, TokenizerError, MemoryLimitError, WorkerError, ShapeError,
  RangeError, TypeError, SyntaxError, Error,
};

/** The typed error a `WireError` stands for, its stack the worker's. */
function fromWire(wire: WireError): Error {
  let err: Error;
  if (wire.name === 'ConfigError') err = new ConfigError(wire.key ?? '', wire.message);
  else if (wire.name === 'NonFiniteError') err = new NonFiniteError(wire.step ?? NaN, wire.message);
  else {
    const Class = ERROR_CLASSES[wire.name];
    err = Class ? new Class(wire.message) : Object.assign(new Error(wire.message), { name: wire.name });
  }
  if (wire.cause !== undefined) Object.defineProperty(err, 'cause', { value: fromWire(wire.cause), configurable: true, writable: true });
  if (wire.stack !== undefined) err.stack = wire.stack;
  return err;
}

/** A MessagePort that may hold a Node process open (Node's ports can be unref'd; browsers' need not). */
function unrefPort(port: MessagePort): void {
  (port as unknown as { unref?: () => void }).unref?.();
}

function isNodeWorker(w: BrowserWorkerLike | NodeWorkerLike): w is NodeWorkerLike {
  return typeof (w as NodeWorkerLike).on === 'function' && typeof (w as NodeWorkerLike).unref === 'function';
}

/**
 * One worker's lifetime: races every call against its death, counts pending calls (a Node worker is ref'd only
 * while some are pending), and closes the main side's ports when it ends.
 */
class Link {
  readonly #dead: Promise<never>;
  #die!: (err: WorkerError) => void;
  #error: WorkerError | undefined;
  #pending = 0;
  readonly #ports = new Set<MessagePort>();
  readonly #ref: (on: boolean) => void;

  constructor(ref: (on: boolean) => void) {
    this.#ref = ref;
    this.#dead = new Promise<never>((_, reject) => {
      this.#die = reject;
    });
    this.#dead.catch(() => {}); // observed through call(); not an unhandled rejection by itself
  }

  get error(): WorkerError | undefined {
    return this.#error;
  }

  /** Marks the worker dead (first cause wins) and rejects everything pending. */
  fail(err: WorkerError): void {
    if (this.#error !== undefined) return;
    this.#error = err;
    this.#die(err);
    for (const port of this.#ports) port.close();
    this.#ports.clear();
    this.#ref(false);
  }

  /** Keeps a main-side port for closing when the worker ends. */
  adopt(port: MessagePort): void {
    unrefPort(port);
    if (this.#error !== undefined) port.close();
    else this.#ports.add(port);
  }

  forget(port: MessagePort): void {
    this.#ports.delete(port);
    port.close();
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#error !== undefined) throw this.#error;
    if (this.#pending++ === 0) this.#ref(true);
    try {
      return await Promise.race([fn(), this.#dead]);
    } catch (err) {
      throw isWireError(err) ? fromWire(err) : err;
    } finally {
      if (--this.#pending === 0 && this.#error === undefined) this.#ref(false);
    }
  }

  /** A comlink proxy of the object served on a handle's port. */
  open<Api, Info>(handle: Handle<Api, Info>): Remote<Api> {
    const remote = wrap<Api>(handle.port as unknown as Endpoint);
    this.adopt(handle.port); // after wrap(): Node refs a port when its first listener is added
    return remote;
  }
}

/** `data` ready to transfer: itself when it owns its whole (non-shared) buffer, else a copy of its elements. */
function transferable(data: Float32Array): Float32Array {
  const whole = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return whole ? data : data.slice();
}

/**
 * Checkpoint files ready to transfer: a Map of the same names, each array owning its whole buffer (copied when
 * it is a window of a larger one or shares its buffer with another file). Checked first: a bad input detaches
 * nothing.
 */
function transferableFiles(fn: string, files: unknown): { files: CheckpointFiles; buffers: ArrayBuffer[] } {
  const entries = files instanceof Map ? [...files.entries()] : files !== null && typeof files === 'object' ? Object.entries(files) : undefined;
  if (entries === undefined) throw new FormatError(`${fn}: files must be a Map or an object of file name → Uint8Array, got ${describeValue(files)}`);
  for (const [name, bytes] of entries) {
    if (!(bytes instanceof Uint8Array)) throw new FormatError(`${fn}: file ${JSON.stringify(name)} must be a Uint8Array, got ${describeValue(bytes)}`);
  }
  const out: CheckpointFiles = new Map();
  const buffers = new Set<ArrayBuffer>();
  for (const [name, bytes] of entries as [string, Uint8Array][]) {
    const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const own = whole && !buffers.has(bytes.buffer as ArrayBuffer) ? bytes : bytes.slice();
    buffers.add(own.buffer as ArrayBuffer);
    out.set(name, own);
  }
  return { files: out, buffers: [...buffers] };
}

/** How `RemoteGPT.toCheckpoint(trainer)` reaches a trainer's worker side without widening its public surface. */
const trainerCheckpoints = new WeakMap<RemoteTrainer, () => Promise<CheckpointFiles>>();

function checkFloats(fn: string, what: string, data: unknown, length: number): asserts data is Float32Array {
  if (!(data instanceof Float32Array) || data.length !== length) {
    throw new ShapeError(`${fn}: ${what} must be a Float32Array of ${length} floats, got ${describeValue(data)}`);
  }
}

/**
 * Runs `call` with a port on which the worker streams events to `sink` (no port without a sink), and asks the
 * worker to abort when `signal` fires. The sink's port is released afterwards so Node can exit.
 */
async function callWithEvents<R>(
  link: Link, sink: object | undefined, signal: AbortSignal | undefined, abort: () => Promise<void>,
  call: (events: MessagePort | undefined) => Promise<R>,
): Promise<R> {
  let events: MessagePort | undefined;
  let sinkPort: MessagePort | undefined;
  if (sink !== undefined) {
    const channel = new MessageChannel();
    expose(sink, channel.port1 as unknown as Endpoint);
    link.adopt(channel.port1);
    sinkPort = channel.port1;
    events = channel.port2;
  }
  const onAbort = () => {
    link.call(abort).catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await call(events);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (sinkPort !== undefined) link.forget(sinkPort);
  }
}

/**
 * Turns a callback-driven call into an async generator. The call gets its own signal, so that leaving the loop
 * early can stop the work in the worker without aborting the caller's signal; the generator waits for the call
 * to settle before it returns, so nothing keeps running behind the caller's back.
 */
async function* streamEvents<E, R>(
  signal: AbortSignal | undefined, start: (stop: AbortSignal, push: (event: E) => void) => Promise<R>,
): AsyncGenerator<E, R, undefined> {
  const queue: E[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: unknown;
  let result: R | undefined;
  const stop = new AbortController();
  const forward = () => stop.abort(signal?.reason);
  if (signal?.aborted) forward();
  signal?.addEventListener('abort', forward, { once: true });
  const done = start(stop.signal, (event) => {
    queue.push(event);
    wake?.();
  }).then(
    (r) => {
      result = r;
    },
    (err: unknown) => {
      failure = err;
    },
  ).finally(() => {
    finished = true;
    wake?.();
  });
  try {
    for (;;) {
      const event = queue.shift();
      if (event !== undefined) yield event;
      else if (finished) break;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure !== undefined) throw failure;
    return result as R;
  } finally {
    signal?.removeEventListener('abort', forward);
    if (!finished) stop.abort();
    await done;
  }
}

/**
 * One object served by the worker on its own port (a model, trainer or sampler): calls go through the link,
 * so a dead worker rejects them, and fail fast once disposed.
 */
class ServedObject<Api extends { dispose(): unknown }> {
  readonly link: Link;
  readonly remote: Remote<Api>;
  readonly #port: MessagePort;
  readonly #disposedMessage: string;
  #disposed = false;

  constructor(link: Link, handle: Handle<Api, unknown>, disposedMessage: string) {
    this.link = link;
    this.#port = handle.port;
    this.remote = link.open(handle);
    this.#disposedMessage = disposedMessage;
  }

  live(): void {
    if (this.#disposed) throw new WasmGptError(this.#disposedMessage);
  }

  call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new WasmGptError(this.#disposedMessage));
    return this.link.call(fn);
  }

  /** Frees the object in the worker (when the worker is still alive) and closes its port. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    try {
      if (this.link.error === undefined) await this.link.call(() => (this.remote.dispose as () => Promise<unknown>)());
    } finally {
      this.remote[releaseProxy]();
      this.link.forget(this.#port);
    }
  }
}

/** A `Trainer` running in the worker. Methods mirror `Trainer`'s, as promises. */
export class RemoteTrainer implements Pick<Client<TrainerApi>, 'step' | 'evaluate' | 'getState' | 'dispose'> {
  readonly model: RemoteGPT;
  readonly batchSize: number;
  readonly blockSize: number;
  readonly gradAccumSteps: number;
  readonly schedule: ScheduleSpec;
  readonly #end: ServedObject<TrainerApi>;

  /** @internal */
  constructor(link: Link, model: RemoteGPT, handle: Handle<TrainerApi, TrainerInfo>) {
    this.#end = new ServedObject(link, handle, 'RemoteTrainer: this trainer was disposed');
    this.model = model;
    ({ batchSize: this.batchSize, blockSize: this.blockSize, gradAccumSteps: this.gradAccumSteps, schedule: this.schedule } = handle.info);
    trainerCheckpoints.set(this, () => this.#end.call(() => this.#end.remote.toCheckpoint()));
  }

  step() {
    return this.#end.call(() => this.#end.remote.step());
  }

  evaluate(batches?: number) {
    return this.#end.call(() => this.#end.remote.evaluate(batches));
  }

  /** Steps done so far and the learning rate of the next one. */
  status(): Promise<TrainerStatus> {
    return this.#end.call(() => this.#end.remote.status());
  }

  /**
   * `Trainer.train` in the worker: the callbacks run here, on this thread, in step order, all before the promise
   * resolves; `signal` stops training between two steps. A callback that throws stops training and rejects.
   */
  async train({ steps, signal, onStep, onEval }: TrainOptions): Promise<TrainSummary> {
    this.#end.live();
    const sink: TrainEventsApi | undefined = onStep === undefined && onEval === undefined ? undefined : {
      event(ev: TrainEvent) {
        if (ev.type === 'step') onStep?.(ev);
        else onEval?.(ev);
      },
    };
    return callWithEvents(this.#end.link, sink, signal, () => this.#end.remote.abort(), (events) => {
      const options = { steps, aborted: signal?.aborted === true, events };
      return this.#end.call(() => this.#end.remote.train(events ? transfer(options, [events]) : options));
    });
  }

  /** `Trainer.run` in the worker: step and eval events as an async iterator; leaving the loop early stops training. */
  async *run({ steps, signal }: RunOptions): AsyncGenerator<TrainEvent> {
    yield* streamEvents<TrainEvent, TrainSummary>(signal, (stop, push) =>
      this.train({ steps, signal: stop, onStep: (s) => push({ ...s, type: 'step' }), onEval: (e) => push({ ...e, type: 'eval' }) }));
  }

  /** Moments and metadata; the moments arrive transferred. */
  getState() {
    return this.#end.call(() => this.#end.remote.getState());
  }

  /**
   * Continues from `getState()` output, or from the `state` of `GPTWorker.loadCheckpoint`. Transfers the two
   * moment arrays (they are detached afterwards).
   */
  setState(state: TrainerState | TrainingState): Promise<void> {
    return this.#end.call(() => {
      const m = state?.tensors?.['adamw.m'];
      const v = state?.tensors?.['adamw.v'];
      if (!(m instanceof Float32Array) || !(v instanceof Float32Array)) return this.#end.remote.setState(state as TrainerState); // the worker names what is wrong
      // Decoded checkpoint moments may share one buffer: transferring it twice would throw.
      const mv = transferable(m);
      const vv = m.buffer === v.buffer ? v.slice() : transferable(v);
      const moved = { ...state, tensors: { 'adamw.m': mv, 'adamw.v': vv } } as TrainerState;
      return this.#end.remote.setState(transfer(moved, [mv.buffer, vv.buffer]));
    });
  }

  /** Frees the trainer in the worker (the model stays usable). */
  dispose(): Promise<void> {
    return this.#end.dispose();
  }


}

/** A `Sampler` running in the worker: `generate` and `stream` as in-process, the chunks streamed back here. */
export class RemoteSampler {
  readonly model: RemoteGPT;
  /** Whether it has a tokenizer (text prompts, text pieces, stop strings). */
  readonly hasTokenizer: boolean;
  readonly #end: ServedObject<SamplerApi>;

  /** @internal */
  constructor(link: Link, model: RemoteGPT, handle: Handle<SamplerApi, SamplerInfo>) {
    this.#end = new ServedObject(link, handle, 'RemoteSampler: this sampler was disposed');
    this.model = model;
    this.hasTokenizer = handle.info.hasTokenizer;
  }

  /** `Sampler.generate` in the worker; `signal` aborts it there (the promise rejects with an AbortError). */
  generate(options: GenerateOptions = {}): Promise<GenerateResult> {
    return this.#generate(options);
  }

  /**
   * `Sampler.stream` in the worker: chunks arrive here in order as they are produced; the generator returns the
   * result. Leaving the loop early aborts the generation in the worker. Option errors surface at the first
   * `next()` (they are checked in the worker).
   */
  async *stream(options: GenerateOptions = {}): AsyncGenerator<GenerationChunk, GenerateResult, undefined> {
    return yield* streamEvents(options.signal, (stop, push) => this.#generate({ ...options, signal: stop }, push));
  }

  /** Frees the sampler (its KV cache) in the worker; the model stays usable. */
  dispose(): Promise<void> {
    return this.#end.dispose();
  }

  async #generate(options: GenerateOptions, onChunk?: (chunk: GenerationChunk) => void): Promise<GenerateResult> {
    this.#end.live();
    if (options === null || typeof options !== 'object') throw new ConfigError('options', `generate needs an options object, got ${describeValue(options)}`);
    const { signal, ...rest } = options;
    if (signal !== undefined && typeof signal?.addEventListener !== 'function') {
      throw new ConfigError('signal', `signal must be an AbortSignal, got ${describeValue(signal)}`);
    }
    const sink: GenerateEventsApi | undefined = onChunk === undefined ? undefined : { chunk: onChunk };
    return callWithEvents(this.#end.link, sink, signal, () => this.#end.remote.abort(), (events) => {
      const wire: WireGenerateOptions = { ...rest, aborted: signal?.aborted === true, events };
      return this.#end.link.call(() => this.#end.remote.generate(events ? transfer(wire, [events]) : wire));
    });
  }
}

/** A `GPT` living in the worker. Methods mirror `GPT`'s, as promises. */
export class RemoteGPT implements Pick<Client<ModelApi>, 'forward' | 'loss' | 'getParameters' | 'init' | 'estimateMemory' | 'dispose'> {
  readonly config: GPTConfig;
  readonly parameterCount: number;
  readonly backend: 'wasm' | 'js';
  readonly #end: ServedObject<ModelApi>;

  /** @internal */
  constructor(link: Link, handle: Handle<ModelApi, ModelInfo>) {
    this.#end = new ServedObject(link, handle, 'RemoteGPT: this model was disposed');
    ({ config: this.config, parameterCount: this.parameterCount, backend: this.backend } = handle.info);
  }

  /** Logits (B, T, V), transferred from the worker. */
  forward(tokens: ArrayLike<number>, B: number, T: number) {
    return this.#end.call(() => this.#end.remote.forward(tokens, B, T));
  }

  loss(inputs: ArrayLike<number>, targets: ArrayLike<number>, B?: number, T?: number) {
    return this.#end.call(() => this.#end.remote.loss(inputs, targets, B, T));
  }

  /** All parameters in layout order, transferred from the worker (no copy on the way). */
  getParameters() {
    return this.#end.call(() => this.#end.remote.getParameters());
  }

  /** Transfers `data` to the worker: its buffer is detached afterwards (pass `data.slice()` to keep it). */
  setParameters(data: Float32Array): Promise<void> {
    return this.#end.call(async () => {
      checkFloats('RemoteGPT.setParameters', 'data', data, this.parameterCount);
      const moved = transferable(data);
      return this.#end.remote.setParameters(transfer(moved, [moved.buffer]));
    });
  }

  init(scheme?: Parameters<ModelApi['init']>[0], seed?: number) {
    return this.#end.call(() => this.#end.remote.init(scheme, seed));
  }

  estimateMemory(batchSize: number, blockSize?: number, training?: boolean) {
    return this.#end.call(() => this.#end.remote.estimateMemory(batchSize, blockSize, training));
  }

  /** A `Trainer` on this model, in the worker. The token arrays are copied (you may keep using them). */
  async createTrainer(options: TrainerOptions): Promise<RemoteTrainer> {
    const handle = await this.#end.call(() => this.#end.remote.createTrainer(options));
    return new RemoteTrainer(this.#end.link, this, handle);
  }

  /** A `Sampler` on this model, in the worker; the tokenizer is sent as its `save()` JSON. */
  async createSampler(options: SamplerOptions = {}): Promise<RemoteSampler> {
    const handle = await this.#end.call(async () => {
      if (options === null || typeof options !== 'object') throw new ConfigError('options', `createSampler needs an options object, got ${describeValue(options)}`);
      for (const key of Object.keys(options)) {
        if (key !== 'tokenizer') throw new ConfigError(key, `createSampler has no option '${key}' (known: tokenizer)`);
      }
      return this.#end.remote.createSampler({ tokenizer: options.tokenizer?.save() });
    });
    return new RemoteSampler(this.#end.link, this, handle);
  }

  /**
   * The checkpoint files (`GPT.toCheckpoint`'s: Hugging Face GPT-2 config.json and model.safetensors), made in
   * the worker and transferred here. With `trainer` (one of this model's), its state is included, so
   * `GPTWorker.loadCheckpoint` + `trainer.setState` resume exactly.
   */
  async toCheckpoint(trainer?: RemoteTrainer): Promise<Map<string, Uint8Array>> {
    if (trainer === undefined) return this.#end.call(() => this.#end.remote.toCheckpoint());
    const viaTrainer = trainerCheckpoints.get(trainer);
    if (viaTrainer === undefined || trainer.model !== this) {
      throw new ConfigError('trainer', `RemoteGPT.toCheckpoint: trainer must be a RemoteTrainer of this model, got ${describeValue(trainer)}`);
    }
    this.#end.live();
    return viaTrainer();
  }


  /** Frees the model in the worker. Trainers created from it must not be used afterwards. */
  dispose(): Promise<void> {
    return this.#end.dispose();
  }


}

/** A running gpt-worker. Create models in it; `terminate()` ends it and its thread pool. */
export class GPTWorker {
  /** Of the wasm core inside the worker. */
  readonly capabilities: Capabilities;
  readonly #link: Link;
  readonly #remote: Remote<WorkerApi>;
  readonly #terminate: () => Promise<void>;

  /** @internal */
  constructor(link: Link, remote: Remote<WorkerApi>, capabilities: Capabilities, terminate: () => Promise<void>) {
    this.#link = link;
    this.#remote = remote;
    this.capabilities = capabilities;
    this.#terminate = terminate;
  }

  /** Set once the worker has crashed, exited or been terminated: the error every call rejects with. */
  get error(): WorkerError | undefined {
    return this.#link.error;
  }

  /** `GPT.create` in the worker. */
  async createModel(config: GPTConfigInput | PresetName, options: WorkerModelOptions = {}): Promise<RemoteGPT> {
    return new RemoteGPT(this.#link, await this.#link.call(() => this.#remote.createModel(config, options)));
  }

  /** `GPT.fromParameters` in the worker. Transfers `params` (its buffer is detached afterwards). */
  async modelFromParameters(config: GPTConfigInput | PresetName, params: Float32Array, options: WorkerModelOptions = {}): Promise<RemoteGPT> {
    const handle = await this.#link.call(async () => {
      if (!(params instanceof Float32Array)) {
        throw new ShapeError(`GPTWorker.modelFromParameters: params must be a Float32Array, got ${describeValue(params)}`);
      }
      const moved = transferable(params);
      return this.#remote.modelFromParameters(config, transfer(moved, [moved.buffer]), options);
    });
    return new RemoteGPT(this.#link, handle);
  }

  /**
   * `GPT.fromCheckpoint` in the worker, from checkpoint files (`toCheckpoint` output, a download read back, OPFS,
   * or a Hugging Face GPT-2 config.json + model.safetensors). The files are decoded in the worker and transferred
   * there (their buffers are detached afterwards). `state`, when the checkpoint has one, is for
   * `trainer.setState(state)` of a trainer created with the same batchSize, blockSize and seed.
   */
  async loadCheckpoint(
    files: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>, options: WorkerModelOptions = {},
  ): Promise<{ model: RemoteGPT; state?: TrainingState }> {
    const loaded = await this.#link.call(async () => {
      const { files: moved, buffers } = transferableFiles('GPTWorker.loadCheckpoint', files);
      return this.#remote.loadCheckpoint(transfer(moved, buffers), options);
    });
    const model = new RemoteGPT(this.#link, loaded.model);
    return loaded.state === undefined ? { model } : { model, state: loaded.state };
  }

  /** Ends the worker and its thread pool at once; pending calls reject with a `WorkerError`. */
  terminate(): Promise<void> {
    this.#link.fail(new WorkerError('wasm-gpt worker was terminated'));
    return this.#terminate();
  }
}

function absoluteUrl(u: string | URL, base: string): string {
  return u instanceof URL ? u.href : new URL(u, base).href;
}

async function callerBase(): Promise<string> {
  const href = (globalThis as { location?: { href: string } }).location?.href;
  if (href !== undefined) return href;
  if (isNode()) {
    const { pathToFileURL } = await import('node:url');
    return pathToFileURL(process.cwd() + '/').href;
  }
  return import.meta.url;
}

/**
 * Starts a gpt-worker and loads its wasm core. Resolves when the core is ready (rejects, with the worker
 * ended, if it cannot load).
 *
 *   const w = await createWorker({ threads: 2 });
 *   const model = await w.createModel('tiny', { seed: 1 });
 *   const trainer = await model.createTrainer({ trainData, batchSize: 8 });
 *   await trainer.train({ steps: 100, onStep: (s) => console.log(s.step, s.loss), signal });
 *   await w.terminate();
 */
export async function createWorker(options: WorkerOptions = {}): Promise<GPTWorker> {
  if (options === null || typeof options !== 'object') throw new ConfigError('options', `createWorker needs an options object, got ${describeValue(options)}`);
  for (const key of Object.keys(options)) {
    if (!WORKER_OPTION_KEYS.has(key)) throw new ConfigError(key, `createWorker has no option '${key}' (known: ${[...WORKER_OPTION_KEYS].join(', ')})`);
  }
  const base = await callerBase();
  const core: WireCoreOptions = { threads: options.threads, artifact: options.artifact, gemmKernel: options.gemmKernel };
  if (options.wasmUrl !== undefined) {
    core.wasmUrl = {};
    for (const [name, u] of Object.entries(options.wasmUrl) as [ArtifactName, string | URL][]) core.wasmUrl[name] = absoluteUrl(u, base);
  }
  if (options.threadWorkerUrl !== undefined) core.threadWorkerUrl = absoluteUrl(options.threadWorkerUrl, base);

  const url = options.url ?? new URL('./gpt-worker.js', import.meta.url);
  let nodeEndpoint: ((w: NodeWorkerLike) => Endpoint) | undefined;
  if (isNode() || (options.worker !== undefined && isNodeWorker(options.worker))) {
    // Loaded before the worker starts: nothing may stand between starting it and listening for its death.
    const adapter = await import('comlink/dist/umd/node-adapter.js');
    nodeEndpoint = (adapter.default ?? adapter) as unknown as (w: NodeWorkerLike) => Endpoint;
  }
  let worker = options.worker;
  if (worker === undefined) {
    if (isNode()) {
      const { Worker: NodeWorker } = await import('node:worker_threads');
      // No inherited Node flags (see threads/pool.ts): some make a file worker fail to start.
      worker = new NodeWorker(typeof url === 'string' ? new URL(url, base) : url, { execArgv: [] }) as unknown as NodeWorkerLike;
    } else {
      worker = new Worker(url, { type: 'module', name: 'wasm-gpt' }) satisfies BrowserWorkerLike;
    }
  }

  let endpoint: Endpoint;
  let terminate: () => Promise<void>;
  let link: Link;
  if (isNodeWorker(worker)) {
    const w = worker;
    link = new Link((on) => (on ? w.ref() : w.unref()));
    let terminating = false;
    w.on('error', (err: Error) => {
      link.fail(new WorkerError(`wasm-gpt worker crashed: ${err?.message ?? String(err)}`, { cause: err }));
    });
    w.on('exit', (code: number) => {
      if (!terminating) link.fail(new WorkerError(`wasm-gpt worker exited with code ${code}`));
    });
    endpoint = nodeEndpoint!(w);
    terminate = async () => {
      terminating = true;
      await w.terminate();
    };
  } else {
    const w = worker;
    link = new Link(() => {});
    w.addEventListener('error', (e: ErrorEvent) => {
      // A browser worker survives an uncaught exception, but whatever it was doing is lost: end it.
      const cause = e.error ?? new Error(e.message || 'the worker script failed to load');
      link.fail(new WorkerError(`wasm-gpt worker crashed: ${e.message || 'the worker script failed to load'}`, { cause }));
      w.terminate();
    });
    endpoint = w as unknown as Endpoint;
    terminate = async () => w.terminate();
  }

  const remote = wrap<WorkerApi>(endpoint);
  let capabilities: Capabilities;
  try {
    capabilities = await link.call(() => remote.init(core));
  } catch (err) {
    link.fail(new WorkerError('wasm-gpt worker failed to start', { cause: err }));
    await terminate();
    throw err;
  }
  return new GPTWorker(link, remote, capabilities, terminate);
}
