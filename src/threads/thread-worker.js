// One thread of the wasm-gpt rayon pool. Plain JavaScript (not compiled), with no imports, so it runs as it is
// wherever it is copied: a module Worker gets its init as its first message (Node runs it the same way under a
// little glue, see src/platform/node.ts). A bundler emits it as a worker chunk from threads/pool.js. Steps:
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

self.addEventListener('message', (event) => {
  run(event.data, (msg) => self.postMessage(msg), (text) => console.error(text));
}, { once: true });
