// One thread of the wasm-gpt rayon pool. Plain JavaScript (not compiled) because Node and browsers both load it
// as a file next to the loader: a Node `worker_threads` Worker gets its init message as `workerData`, a
// browser module Worker as its first message. Same steps in both, in this order:
//   1. instantiate the shared module on the shared memory (the data segments are already initialised),
//   2. point __stack_pointer at this thread's own stack and give it its own TLS block,
//   3. report ready, then enter the Rust worker loop, which blocks until the pool hands this thread a job
//      queue and serves it until the worker is terminated.
// Message types are prefixed so they cannot be confused with an application's own messages.

const READY = 'wasm_gpt_worker_ready';
const FAILED = 'wasm_gpt_worker_failed';

async function run(init, post, reportFatal) {
  const { module, memory, stackTop, tlsBase } = init;
  let exports;
  const imports = {
    env: {
      memory,
      wgpt_report_panic(ptr, len) {
        const bytes = new Uint8Array(memory.buffer, ptr >>> 0, len >>> 0).slice();
        reportFatal(`wasm-gpt worker thread panicked: ${new TextDecoder().decode(bytes)}`);
      },
    },
  };
  try {
    const instance = await WebAssembly.instantiate(module, imports);
    exports = instance.exports;
    exports.__stack_pointer.value = stackTop;
    exports.__wasm_init_tls(tlsBase);
  } catch (err) {
    post({ type: FAILED, message: String(err && err.stack ? err.stack : err) });
    return;
  }
  post({ type: READY });
  try {
    exports.wgpt_worker_entry();
  } catch (err) {
    // The pool cannot recover from a dead thread and the thread waiting on it may be blocked, so say it loudly.
    reportFatal(`wasm-gpt worker thread trapped: ${err && err.stack ? err.stack : err}`);
  }
}

const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null
  && typeof WorkerGlobalScope === 'undefined';

if (isNode) {
  const { parentPort, workerData } = await import('node:worker_threads');
  const { writeSync } = await import('node:fs');
  // Synchronous write: the main thread may be blocked waiting on this pool and unable to print for us.
  run(workerData, (msg) => parentPort.postMessage(msg), (text) => writeSync(2, text + '\n'));
} else {
  self.addEventListener('message', (event) => {
    run(event.data, (msg) => self.postMessage(msg), (text) => console.error(text));
  }, { once: true });
}
