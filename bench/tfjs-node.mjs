// TensorFlow.js's wasm backend (XNNPACK) in Node, on 1 thread (its SIMD build) or n threads (its threaded-SIMD
// build), for the peers benchmark. One configuration per process: tfjs loads one wasm build and keeps it.
//
// Threads need three workarounds, because tfjs' threaded build only ever ran in browsers:
// - tfjs turns threads off under Node; the WASM_HAS_MULTITHREAD_SUPPORT flag turns them back on.
// - Its emscripten loader hands worker_threads blob: URLs of two scripts (the pthread worker, and the module
//   factory the worker evaluates), which Node refuses. We remember the text of every JavaScript Blob as it is
//   made and give Node a temporary file of it instead. The factory's text, cut out of tfjs' rollup bundle,
//   refers to the bundle's `require$$N` aliases of Node modules: the file declares them first.
// - It caps its pool at half of emscripten's logical core count (assuming hyperthreads), so on a 2-core machine
//   it would never start 2 threads: os.cpus() reports 2·n cores while the backend initialises.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, sep } from 'node:path';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const backendDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));

function serveBlobsFromFiles() {
  const dir = mkdtempSync(join(os.tmpdir(), 'wasm-gpt-tfjs-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const bundle = readFileSync(join(backendDir, 'dist', 'tf-backend-wasm.node.js'), 'utf8');
  const aliases = [...bundle.matchAll(/^var (require\$\$\d+) = require\('([^']+)'\);$/gm)].map(([, alias, mod]) => `var ${alias} = require('${mod}');`);
  const prologue = [...aliases, 'var commonjsGlobal = globalThis;', ''].join('\n');

  const texts = new WeakMap();
  const files = new WeakMap();
  const NodeBlob = globalThis.Blob;
  globalThis.Blob = class TextRememberingBlob extends NodeBlob {
    constructor(parts = [], options = {}) {
      super(parts, options);
      if (/javascript/.test(options.type ?? '') && parts.every((p) => typeof p === 'string')) texts.set(this, parts.join(''));
    }
  };
  const fileOf = (blob) => {
    if (!files.has(blob)) {
      const file = join(dir, `script-${Math.random().toString(36).slice(2)}.cjs`);
      writeFileSync(file, prologue + texts.get(blob));
      files.set(blob, file);
    }
    return files.get(blob);
  };
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = (blob) => (texts.has(blob) ? fileOf(blob) : createObjectURL(blob));
  const postMessage = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message?.cmd === 'load' && texts.has(message.urlOrBlob)) message = { ...message, urlOrBlob: fileOf(message.urlOrBlob) };
    return postMessage.call(this, message, ...rest);
  };
}

/** Loads tfjs-core with the wasm backend on `threads` threads; returns { tf, threads } (threads as tfjs reports). */
export async function initTfjsWasm(threads) {
  if (threads > 1) serveBlobsFromFiles();
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(join(backendDir, 'dist') + sep);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
  if (threads > 1) wasm.setThreadsCount(threads);
  const cpus = os.cpus;
  const reported = cpus();
  if (threads > 1) os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => reported[i % reported.length]);
  try {
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
    await tf.ready();
  } finally {
    os.cpus = cpus;
  }
  return { tf, threads: wasm.getThreadsCount() };
}
