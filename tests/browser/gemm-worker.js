// Threads need the rayon-calling thread to be allowed to block, so the threaded run lives in a Worker.
import { runChecks } from './gemm-checks.js';

self.addEventListener('message', async (event) => {
  try {
    const result = await runChecks(event.data);
    self.postMessage({ ok: true, result }, result.outputs.map((o) => o.buffer));
  } catch (err) {
    self.postMessage({ ok: false, error: String(err && err.stack ? err.stack : err) });
  }
});
