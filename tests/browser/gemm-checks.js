// Shared by the page (main thread) and the worker: run products on a core and compare with the float64 bound.
import { initWasm } from '../../dist/index.js';

function seeded(seed, n) {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function within(a, b, got, { m, n, k, transA, transB }) {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let exact = 0, mag = 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? a[p * m + i] : a[i * k + p];
        const y = transB ? b[j * k + p] : b[p * n + j];
        exact += x * y; mag += Math.abs(x * y);
      }
      if (Math.abs(got[i * n + j] - exact) > (k + 4) * 2 ** -23 * mag + 1e-30) return `C[${i},${j}]=${got[i * n + j]} want ${exact}`;
    }
  }
  return null;
}

export async function runChecks(options) {
  const core = await initWasm(options);
  const failures = [];
  const outputs = [];
  let checks = 0;
  let seed = 1;
  for (const [m, n, k] of [[1, 300, 257], [7, 17, 257], [64, 96, 80], [130, 70, 300]]) {
    for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]]) {
      const g = { m, n, k, transA, transB };
      const a = seeded(seed++, m * k);
      const b = seeded(seed++, k * n);
      const c = core.matmul(a, b, g);
      const bad = within(a, b, c, g);
      checks++;
      if (bad) failures.push(`${JSON.stringify(g)}: ${bad}`);
      outputs.push(c);
    }
  }
  const capabilities = core.capabilities();
  await core.terminate();
  return { capabilities, checks, failures, outputs };
}
