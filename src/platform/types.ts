/**
 * What wasm-gpt needs from Node and nowhere else. `#platform` (package.json `imports`) resolves to node.ts under
 * the `node` condition and to browser.ts otherwise, so no `node:` import is reachable from a browser bundle:
 * bundlers never see one, and need no configuration to leave it out.
 */

/** The part of a Node `worker_threads` Worker used here (structural, so browser builds need no Node types). */
export interface NodeWorkerLike {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

/** A comlink endpoint over a Node port or worker (comlink's own Node adapter). */
export type NodeEndpointFactory = (portOrWorker: unknown) => unknown;

export interface NodePlatform {
  /**
   * The package's own worker scripts. Named here, not beside the browser's `new Worker(new URL(...))`: a
   * bundler would see a second `new URL('./gpt-worker.js', import.meta.url)` there and copy the raw file.
   */
  gptWorkerUrl: URL;
  threadWorkerUrl: URL;
  /** Logical cores available to this process. */
  cores(): number;
  readFile(url: URL): Promise<Uint8Array>;
  /** The current directory as a file: URL ending in '/', the base for relative paths given by a Node caller. */
  cwdUrl(): string;
  /** A worker_threads Worker, started with no inherited Node flags (some make a file worker fail to start). */
  startWorker(url: URL): NodeWorkerLike;
  /**
   * Runs the browser thread script (threads/thread-worker.js) in a worker_threads Worker: a few lines of glue
   * give it the `self` it expects, fed from `init`, so both platforms run one script.
   */
  startThreadWorker(script: URL, init: unknown): NodeWorkerLike;
  /** This thread's parent port when running inside a worker_threads Worker, else null. */
  parentPort(): unknown;
  /** comlink's Node adapter. */
  nodeEndpoint: NodeEndpointFactory;
}
