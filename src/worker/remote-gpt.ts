import { transfer } from 'comlink';
import { ConfigError, describeValue } from '../errors.js';
import type { GPTConfig } from '../model/config.js';
import type { SamplerOptions } from '../sampler/sampler.js';
import type { TrainerOptions } from '../train/trainer.js';
import type { Client, Link } from './link.js';
import type { Handle, ModelApi, ModelInfo, QuantizedModelApi, QuantizedModelInfo } from './protocol.js';
import { RemoteSampler } from './remote-sampler.js';
import { RemoteTrainer, trainerCheckpoints } from './remote-trainer.js';
import { ServedObject } from './served.js';
import { checkFloats, transferable } from './transfer.js';
import { rejectUnknownKeys } from '../options.js';

const SAMPLER_OPTION_KEYS = new Set(['tokenizer']);

/** `createSampler` of either remote model: options checked here, the tokenizer sent as its `save()` JSON. */
async function remoteSampler(
  end: ServedObject<Pick<ModelApi, 'createSampler' | 'dispose'>>, model: RemoteGPT | RemoteQuantizedGPT, options: SamplerOptions,
): Promise<RemoteSampler> {
  const handle = await end.call(async () => {
    if (options === null || typeof options !== 'object') throw new ConfigError('options', `createSampler needs an options object, got ${describeValue(options)}`);
    rejectUnknownKeys('createSampler', options, SAMPLER_OPTION_KEYS);
    return end.remote.createSampler({ tokenizer: options.tokenizer?.save() });
  });
  return new RemoteSampler(end.link, model, handle);
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
  createSampler(options: SamplerOptions = {}): Promise<RemoteSampler> {
    return remoteSampler(this.#end, this, options);
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


  /**
   * `GPT.quantize` in the worker: an inference-only q8 copy served beside this model (which stays as it was;
   * dispose it if only the copy is needed).
   */
  async quantize(dtype: 'q8' = 'q8'): Promise<RemoteQuantizedGPT> {
    const handle = await this.#end.call(() => this.#end.remote.quantize(dtype));
    return new RemoteQuantizedGPT(this.#end.link, handle);
  }

  /** Frees the model in the worker. Trainers created from it must not be used afterwards. */
  dispose(): Promise<void> {
    return this.#end.dispose();
  }


}

/** A `QuantizedGPT` living in the worker (`RemoteGPT.quantize`): samples and saves, does not train. */
export class RemoteQuantizedGPT {
  readonly dtype = 'q8' as const;
  readonly config: GPTConfig;
  readonly parameterCount: number;
  readonly byteLength: number;
  readonly backend: 'wasm' | 'js';
  readonly #end: ServedObject<QuantizedModelApi>;

  /** @internal */
  constructor(link: Link, handle: Handle<QuantizedModelApi, QuantizedModelInfo>) {
    this.#end = new ServedObject(link, handle, 'RemoteQuantizedGPT: this model was disposed');
    ({ config: this.config, parameterCount: this.parameterCount, byteLength: this.byteLength, backend: this.backend } = handle.info);
  }

  /** A `Sampler` on this model, in the worker; the tokenizer is sent as its `save()` JSON. */
  createSampler(options: SamplerOptions = {}): Promise<RemoteSampler> {
    return remoteSampler(this.#end, this, options);
  }

  /** The q8 checkpoint files (`QuantizedGPT.toCheckpoint`), made in the worker and transferred here. */
  toCheckpoint(): Promise<Map<string, Uint8Array>> {
    return this.#end.call(() => this.#end.remote.toCheckpoint());
  }

  dispose(): Promise<void> {
    return this.#end.dispose();
  }
}
