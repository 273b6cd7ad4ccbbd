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
import { wrap, type Endpoint } from 'comlink';
import { isNode } from '../env.js';
import { ConfigError, WorkerError, describeValue } from '../errors.js';
import type { ArtifactName } from '../wasm/artifacts.js';
import type { Capabilities } from '../wasm/core.js';
import { Link } from './link.js';
import type { WireCoreOptions, WorkerApi } from './protocol.js';
import { GPTWorker } from './remote-worker.js';
import { rejectUnknownKeys } from '../options.js';

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

const WORKER_OPTION_KEYS = new Set(['threads', 'artifact', 'wasmUrl', 'threadWorkerUrl', 'url', 'worker']);

function isNodeWorker(w: BrowserWorkerLike | NodeWorkerLike): w is NodeWorkerLike {
  return typeof (w as NodeWorkerLike).on === 'function' && typeof (w as NodeWorkerLike).unref === 'function';
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
  rejectUnknownKeys('createWorker', options, WORKER_OPTION_KEYS);
  const base = await callerBase();
  const core: WireCoreOptions = { threads: options.threads, artifact: options.artifact };
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
