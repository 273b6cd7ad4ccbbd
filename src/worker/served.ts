import { releaseProxy, type Remote } from 'comlink';
import { DisposedError } from '../errors.js';
import type { Link } from './link.js';
import type { Handle } from './protocol.js';

/**
 * One object served by the worker on its own port (a model, trainer or sampler): calls go through the link,
 * so a dead worker rejects them, and fail fast once disposed.
 */
export class ServedObject<Api extends { dispose(): unknown }> {
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
    if (this.#disposed) throw new DisposedError(this.#disposedMessage);
  }

  call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#disposed) return Promise.reject(new DisposedError(this.#disposedMessage));
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
