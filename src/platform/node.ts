/** `#platform` under the `node` condition: the Node-only services, imported statically (never reached by a bundler). */
import { availableParallelism, cpus } from 'node:os';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { Worker, parentPort } from 'node:worker_threads';
// comlink ships its Node adapter as a separate UMD file (no package exports map to name it otherwise).
import nodeAdapter from 'comlink/dist/umd/node-adapter.js';
import type { NodeEndpointFactory, NodePlatform, NodeWorkerLike } from './types.js';

// The thread script listens on `self` and reports a panic with console.error. Here `self` delivers the init
// (workerData) at once and posts to the parent port, and console.error writes synchronously: the main thread
// may be blocked waiting on the pool and unable to print a worker's asynchronous output.
const THREAD_GLUE = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
globalThis.self = {
  addEventListener(type, listener) { if (type === 'message') listener({ data: workerData.init }); },
  postMessage(message) { parentPort.postMessage(message); },
};
console.error = (text) => { writeSync(2, String(text) + '\\n'); };
import(workerData.script);
`;

export const nodePlatform: NodePlatform | undefined = {
  gptWorkerUrl: new URL('../worker/gpt-worker.js', import.meta.url),
  threadWorkerUrl: new URL('../threads/thread-worker.js', import.meta.url),
  cores: () => Math.max(1, typeof availableParallelism === 'function' ? availableParallelism() : cpus().length),
  readFile: async (url) => new Uint8Array(await readFile(url)),
  cwdUrl: () => pathToFileURL(process.cwd() + '/').href,
  // No inherited Node flags: some make a file worker fail to start (--input-type from `node -e`) or are refused
  // for workers (V8 flags, process-wide anyway), and our worker scripts need none.
  startWorker: (url) => new Worker(url, { execArgv: [] }) as unknown as NodeWorkerLike,
  startThreadWorker: (script, init) =>
    new Worker(THREAD_GLUE, { eval: true, workerData: { init, script: script.href }, execArgv: [] }) as unknown as NodeWorkerLike,
  parentPort: () => parentPort,
  nodeEndpoint: nodeAdapter as unknown as NodeEndpointFactory,
};
