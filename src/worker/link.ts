import { wrap, type Endpoint, type Remote } from 'comlink';
import type { WorkerError } from '../errors.js';
import type { Handle } from './protocol.js';
import { fromWireError, isWireError } from './wire-error.js';

/** The async twin of a wire interface: same arguments, results as promises. */
export type Client<Api> = {
  [K in keyof Api]: Api[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** A MessagePort that may hold a Node process open (Node's ports can be unref'd; browsers' need not). */
function unrefPort(port: MessagePort): void {
  (port as unknown as { unref?: () => void }).unref?.();
}

/**
 * One worker's lifetime: races every call against its death, counts pending calls (a Node worker is ref'd only
 * while some are pending), and closes the main side's ports when it ends.
 */
export class Link {
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
      throw isWireError(err) ? fromWireError(err) : err;
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
