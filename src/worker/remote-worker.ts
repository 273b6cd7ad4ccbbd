import { transfer, type Remote } from 'comlink';
import type { TrainingState } from '../checkpoint/index.js';
import { ShapeError, WorkerError, describeValue } from '../errors.js';
import type { GPTConfigInput, PresetName } from '../model/config.js';
import type { Capabilities } from '../wasm/core.js';
import type { Link } from './link.js';
import type { WorkerApi, WorkerModelOptions } from './protocol.js';
import { RemoteGPT, RemoteQuantizedGPT } from './remote-gpt.js';
import { transferable, transferableFiles } from './transfer.js';

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

  /**
   * `QuantizedGPT.fromCheckpoint` in the worker: a q8 checkpoint as saved, or a float32 one quantized while it
   * loads. The files are transferred as for `loadCheckpoint`; a training state in them is not read.
   */
  async loadQuantizedCheckpoint(
    files: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>, options: WorkerModelOptions = {},
  ): Promise<RemoteQuantizedGPT> {
    const handle = await this.#link.call(async () => {
      const { files: moved, buffers } = transferableFiles('GPTWorker.loadQuantizedCheckpoint', files);
      return this.#remote.loadQuantizedCheckpoint(transfer(moved, buffers), options);
    });
    return new RemoteQuantizedGPT(this.#link, handle);
  }

  /** Ends the worker and its thread pool at once; pending calls reject with a `WorkerError`. */
  terminate(): Promise<void> {
    this.#link.fail(new WorkerError('wasm-gpt worker was terminated'));
    return this.#terminate();
  }
}
