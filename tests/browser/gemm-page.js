import { runChecks } from './gemm-checks.js';

function inWorker(options) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./gemm-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e) => { worker.terminate(); e.data.ok ? resolve(e.data.result) : reject(new Error(e.data.error)); };
    worker.onerror = (e) => reject(new Error(e.message || 'worker failed'));
    worker.postMessage(options);
  });
}

function sameBits(xs, ys) {
  return xs.length === ys.length && xs.every((x, i) => {
    const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const b = new Uint32Array(ys[i].buffer, ys[i].byteOffset, ys[i].length);
    return a.length === b.length && a.every((v, j) => v === b[j]);
  });
}

async function main() {
  const crossOriginIsolated = globalThis.crossOriginIsolated === true;
  const mainThread = await runChecks({});
  const worker = await inWorker({});
  const workerOneThread = await inWorker({ threads: 1 });
  const strip = (r) => ({ capabilities: r.capabilities, checks: r.checks, failures: r.failures });
  return {
    crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    mainThread: strip(mainThread),
    worker: strip(worker),
    workerOneThread: strip(workerOneThread),
    bitwiseEqualAcrossRuns: sameBits(mainThread.outputs, worker.outputs) && sameBits(worker.outputs, workerOneThread.outputs),
  };
}

main().then(
  (result) => { window.__result = result; document.getElementById('log').textContent = JSON.stringify(result, null, 2); },
  (err) => { window.__result = { error: String(err && err.stack ? err.stack : err) }; },
);
