import { transfer } from 'comlink';
import { ConfigError, describeValue } from '../errors.js';
import type { GenerateOptions, GenerateResult, GenerationChunk } from '../sampler/options.js';
import type { Link } from './link.js';
import type { GenerateEventsApi, Handle, SamplerApi, SamplerInfo, WireGenerateOptions } from './protocol.js';
import type { RemoteGPT, RemoteQuantizedGPT } from './remote-gpt.js';
import { ServedObject } from './served.js';
import { callWithEvents, streamEvents } from './streams.js';

/** A `Sampler` running in the worker: `generate` and `stream` as in-process, the chunks streamed back here. */
export class RemoteSampler {
  readonly model: RemoteGPT | RemoteQuantizedGPT;
  /** Whether it has a tokenizer (text prompts, text pieces, stop strings). */
  readonly hasTokenizer: boolean;
  readonly #end: ServedObject<SamplerApi>;

  /** @internal */
  constructor(link: Link, model: RemoteGPT | RemoteQuantizedGPT, handle: Handle<SamplerApi, SamplerInfo>) {
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
