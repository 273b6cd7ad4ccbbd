/**
 * Starts the worker threads of the shared-memory build and hands them to the Rust thread pool.
 *
 * One adapter for Node (`worker_threads`) and browsers (module Web Workers): spawn N copies of
 * `thread-worker.js`, give each the module, the shared memory, its own stack and TLS block (allocated here, in
 * wasm memory, from the main instance), wait until every one reports ready, and only then build the rayon pool
 * (see crate/src/threads.rs for why that order matters).
 */
import { WasmRuntimeError } from '../errors.js';
import type { CoreExports, ThreadExports } from '../wasm/exports.js';
import { Status } from '../wasm/exports.js';
import { nodePlatform } from '../env.js';

/** Stack per worker thread. Kernels do not recurse; rayon's join needs a few frames per level. */
const WORKER_STACK_BYTES = 2 * 1024 * 1024;
const STACK_ALIGN = 16;

interface WorkerLike {
  post(init: WorkerInit): void;
  onMessage(cb: (msg: WorkerMessage) => void): void;
  onError(cb: (err: Error) => void): void;
  /** Stops the worker from keeping a Node process alive (no-op in browsers). */
  unref(): void;
  terminate(): Promise<void>;
}

interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  stackTop: number;
  tlsBase: number;
  index: number;
}

type WorkerMessage = { type: 'wasm_gpt_worker_ready' } | { type: 'wasm_gpt_worker_failed'; message: string };

export interface ThreadPoolHandle {
  readonly threads: number;
  terminate(): Promise<void>;
}

export async function startThreadPool(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  exports: CoreExports & ThreadExports,
  threads: number,
  workerUrl: URL | undefined,
): Promise<ThreadPoolHandle> {
  const tlsSize = (exports.__tls_size.value as number) >>> 0;
  const tlsAlign = Math.max((exports.__tls_align.value as number) >>> 0, 1);
  const blocks: { ptr: number; size: number; align: number }[] = [];
  const alloc = (size: number, align: number) => {
    const ptr = exports.wgpt_alloc(size, align) >>> 0;
    if (ptr === 0) throw new WasmRuntimeError(`out of wasm memory allocating ${size} bytes for a worker thread`);
    blocks.push({ ptr, size, align });
    return ptr;
  };

  const workers: WorkerLike[] = [];
  const ready: Promise<void>[] = [];
  try {
    for (let index = 0; index < threads; index++) {
      const stackBase = alloc(WORKER_STACK_BYTES, STACK_ALIGN);
      const tlsBase = alloc(Math.max(tlsSize, 1), tlsAlign);
      const worker = await spawnWorker(workerUrl);
      workers.push(worker);
      ready.push(new Promise<void>((resolve, reject) => {
        worker.onMessage((msg) => {
          if (msg.type === 'wasm_gpt_worker_ready') resolve();
          else reject(new WasmRuntimeError(`wasm-gpt worker ${index} failed to start: ${msg.message}`));
        });
        worker.onError((err) => reject(new WasmRuntimeError(`wasm-gpt worker ${index} failed: ${err.message}`, { cause: err })));
      }));
      worker.post({ module, memory, stackTop: stackBase + WORKER_STACK_BYTES, tlsBase, index });
    }
    await Promise.all(ready);
    // Only now: while waiting for `ready` the workers are what keeps the event loop (and this await) alive.
    // Afterwards a pool must not keep a Node process running by itself; terminate() stays the clean way out.
    for (const w of workers) w.unref();
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }

  const status = exports.wgpt_thread_pool_init(threads);
  if (status !== Status.Ok) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw new WasmRuntimeError(`wasm-gpt could not build its thread pool (status ${status})`);
  }

  let terminated = false;
  return {
    threads,
    async terminate() {
      if (terminated) return;
      terminated = true;
      // Stacks and TLS blocks are not freed: the pool's threads are gone but the instance is retired with them.
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * One pool thread. The browser default is spelled `new Worker(new URL('./thread-worker.js', import.meta.url),
 * { type: 'module' })` on purpose: it is the form Vite, webpack 5 and Parcel recognise, so they emit the worker
 * with no configuration. Node runs the same script (see platform/node.ts).
 */
async function spawnWorker(url: URL | undefined): Promise<WorkerLike> {
  const node = await nodePlatform();
  if (node !== undefined) {
    const script = url ?? node.threadWorkerUrl;
    let worker: ReturnType<typeof node.startThreadWorker> | undefined;
    const listeners: { msg?: (m: WorkerMessage) => void; err?: (e: Error) => void } = {};
    return {
      post(init) {
        // Node hands the init over at start, so the worker never depends on this thread's event loop.
        worker = node.startThreadWorker(script, init);
        worker.on('message', (m: WorkerMessage) => listeners.msg?.(m));
        worker.on('error', (e: Error) => listeners.err?.(e));
        worker.on('exit', (code: number) => {
          if (code !== 0) listeners.err?.(new Error(`worker exited with code ${code}`));
        });
      },
      onMessage(cb) { listeners.msg = cb; },
      onError(cb) { listeners.err = cb; },
      unref() { worker?.unref(); },
      async terminate() { if (worker) await worker.terminate(); },
    };
  }
  const worker = url !== undefined
    ? new Worker(url, { type: 'module', name: 'wasm-gpt-thread' })
    : new Worker(new URL('./thread-worker.js', import.meta.url), { type: 'module', name: 'wasm-gpt-thread' });
  return {
    post(init) { worker.postMessage(init); },
    onMessage(cb) { worker.addEventListener('message', (e: MessageEvent<WorkerMessage>) => cb(e.data)); },
    onError(cb) {
      worker.addEventListener('error', (e: ErrorEvent) => {
        const where = url?.href ?? 'thread-worker.js';
        cb(new Error(e.message || `the thread worker script ${where} failed to load (if it was moved, pass its URL: ` +
          "createWorker's threadWorkerUrl, initWasm's workerUrl)"));
      });
    },
    unref() {},
    async terminate() { worker.terminate(); },
  };
}
