import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWasm, ShapeError, WasmCore, WasmRuntimeError, type ArtifactName } from '../src/index.js';
import { ARTIFACT_FILES, ARTIFACTS, INITIAL_PAGES, MAX_PAGES, defaultArtifactUrl, relaxedSimdSupported } from '../src/wasm/artifacts.js';
import { EXPORT_NAMES, THREAD_EXPORT_NAMES } from '../src/wasm/exports.js';
import { OP_EXPORT_NAMES } from '../src/kernels/index.js';
import { debugPanic, gemmReference } from '../src/testing.js';
import { bitsEqual, expectWithinBound, gemmReference64, seeded, type GemmCase } from './helpers/tolerance.js';
import { readMemoryImport } from './helpers/wasm-binary.js';

const TRANSPOSES = [[false, false], [false, true], [true, false], [true, true]] as const;
// Edges of every tile: MR = 6, NR = 8, KC = 256, MC = 48, NB = 128, small-M path below 4 rows.
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 5], [1, 300, 257], [2, 33, 64], [3, 130, 9], [4, 8, 8], [5, 9, 3], [6, 8, 256],
  [7, 17, 257], [13, 129, 31], [47, 50, 300], [49, 257, 513], [97, 40, 8],
];

function operands(g: GemmCase, seed: number) {
  const { m, n, k, transA = false, transB = false } = g;
  const lda = g.lda ?? Math.max(transA ? m : k, 1);
  const ldb = g.ldb ?? Math.max(transB ? k : n, 1);
  const ldc = g.ldc ?? Math.max(n, 1);
  const a = seeded(seed, (transA ? k : m) * lda);
  const b = seeded(seed + 1, (transB ? n : k) * ldb);
  const c = seeded(seed + 2, m * ldc);
  return { a, b, c };
}

function runGemm(core: WasmCore, g: GemmCase, a: Float32Array, b: Float32Array, c: Float32Array, ref = false) {
  const [A, B, C] = [core.from(a), core.from(b), core.from(c)];
  if (ref) gemmReference(core, A, B, C, g);
  else core.gemm(A, B, C, g);
  const out = C.read();
  A.free(); B.free(); C.free();
  return out;
}

describe.each<[ArtifactName, number]>([['simd', 1], ['threads-simd', 2]])('%s build, %i thread(s)', (artifact, threads) => {
  let core: WasmCore;
  beforeAll(async () => {
    core = await initWasm({ artifact, threads });
  });
  afterAll(async () => {
    await core.terminate();
  });

  it('reports what it loaded', () => {
    const caps = core.capabilities();
    expect(caps.artifact).toBe(artifact);
    expect(caps.simd).toBe(true);
    expect(caps.threads).toBe(threads > 1);
    expect(caps.threadCount).toBe(threads);
    expect(caps.cores).toBeGreaterThanOrEqual(1);
    expect(caps.reason.length).toBeGreaterThan(0);
  });

  it('matches the float64 product within the error bound, for every transpose and edge shape', () => {
    let seed = 1;
    for (const [m, n, k] of SHAPES) {
      for (const [transA, transB] of TRANSPOSES) {
        const g = { m, n, k, transA, transB };
        const { a, b, c } = operands(g, seed++);
        const { want, bound } = gemmReference64(a, b, c, g);
        expectWithinBound(runGemm(core, g, a, b, c), want, bound, `gemm ${JSON.stringify(g)}`);
        expectWithinBound(runGemm(core, g, a, b, c, true), want, bound, `gemmReference ${JSON.stringify(g)}`);
      }
    }
  });

  it('applies alpha and beta, and with beta = 0 never reads C (NaN in C does not leak)', () => {
    let seed = 100;
    for (const [alpha, beta] of [[0.5, -2], [-1.5, 0], [2, 1], [1, 0.25]]) {
      for (const [m, n, k] of [[1, 37, 19], [3, 9, 300], [50, 70, 40]]) {
        for (const [transA, transB] of TRANSPOSES) {
          const g = { m, n, k, transA, transB, alpha, beta };
          const { a, b, c } = operands(g, seed++);
          if (beta === 0) for (let i = 0; i < c.length; i += 2) c[i] = NaN;
          const { want, bound } = gemmReference64(a, b, c, g);
          const got = runGemm(core, g, a, b, c);
          expect(got.some(Number.isNaN), 'NaN leaked from C').toBe(false);
          expectWithinBound(got, want, bound, `gemm ${JSON.stringify(g)}`);
        }
      }
    }
  });

  it('works on strided sub-matrices and leaves the rest of C alone', () => {
    const cfg = { m: 20, n: 30, k: 40, lda: 45, ldb: 41, ldc: 37, transB: true, beta: 1 };
    const { a, b, c } = operands(cfg, 7);
    const { want, bound } = gemmReference64(a, b, c, cfg);
    const got = runGemm(core, cfg, a, b, c);
    expectWithinBound(got, want, bound, 'strided gemm');
    for (let i = 0; i < cfg.m; i++) {
      for (let j = cfg.n; j < cfg.ldc; j++) expect(got[i * cfg.ldc + j]).toBe(c[i * cfg.ldc + j]);
    }
  });

  it('handles empty products: m or n = 0 is a no-op, k = 0 gives β·C', () => {
    const c = new Float32Array([1, 2, 3, 4]);
    expect(core.matmul(new Float32Array(0), new Float32Array(0), { m: 0, n: 0, k: 0 })).toHaveLength(0);
    expect(Array.from(core.matmul(new Float32Array(0), new Float32Array(0), { m: 2, n: 2, k: 0 }))).toEqual([0, 0, 0, 0]);
    const out = core.matmul(new Float32Array(0), new Float32Array(0), { m: 2, n: 2, k: 0, beta: 0.5 }, c);
    expect(out).toBe(c);
    expect(Array.from(out)).toEqual([0.5, 1, 1.5, 2]);
  });

  it('matmul copies in and writes into a caller-owned output without allocating it', () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]); // 2×3
    const b = Float32Array.from([7, 8, 9, 10, 11, 12]); // 3×2
    const out = new Float32Array(4);
    const res = core.matmul(a, b, { m: 2, n: 2, k: 3 }, out);
    expect(res).toBe(out);
    expect(Array.from(out)).toEqual([58, 64, 139, 154]);
    // Aᵀ·Bᵀ with the same storage: A read as 3×2 stored, B as 2×3 stored.
    expect(Array.from(core.matmul(a, b, { m: 2, n: 2, k: 3, transA: true, transB: true }))).toEqual([
      1 * 7 + 3 * 8 + 5 * 9, 1 * 10 + 3 * 11 + 5 * 12, 2 * 7 + 4 * 8 + 6 * 9, 2 * 10 + 4 * 11 + 6 * 12,
    ]);
  });
});

describe('results do not depend on the thread count', () => {
  const cores: WasmCore[] = [];
  beforeAll(async () => {
    cores.push(await initWasm({ artifact: 'simd' }));
    for (const threads of [1, 2, 3]) cores.push(await initWasm({ artifact: 'threads-simd', threads }));
  });
  afterAll(async () => {
    await Promise.all(cores.map((c) => c.terminate()));
  });

  it('is bitwise identical for the single-thread build and 1, 2, 3 worker threads', () => {
    expect(cores.map((c) => c.capabilities().threadCount)).toEqual([1, 1, 2, 3]);
    let seed = 500;
    // 37·520·600: tasks pack their own columns of B on 1 and 2 threads, share one packed B on 3 (too few bands).
    for (const [m, n, k] of [[1, 3000, 700], [2, 1000, 513], [200, 300, 600], [101, 5000, 31], [64, 64, 64], [37, 520, 600]]) {
      for (const [transA, transB] of TRANSPOSES) {
        const g = { m, n, k, transA, transB, alpha: 0.75, beta: 0.5 };
        const { a, b, c } = operands(g, seed++);
        const results = cores.map((core) => runGemm(core, g, a, b, c));
        for (let i = 1; i < results.length; i++) {
          expect(bitsEqual(results[0], results[i]), `${JSON.stringify(g)}: core ${i} differs`).toBe(true);
        }
      }
    }
  });
});

describe('bad arguments are rejected before any wasm call, naming the argument', () => {
  let core: WasmCore;
  beforeAll(async () => {
    core = await initWasm({ artifact: 'simd' });
  });
  afterAll(async () => {
    await core.terminate();
  });
  const a = new Float32Array(6);
  const b = new Float32Array(6);

  it('rejects sizes that are negative, fractional, NaN or not numbers', () => {
    expect(() => core.matmul(a, b, { m: -2, n: 2, k: 3 })).toThrow(/m must be a non-negative integer, got -2/);
    expect(() => core.matmul(a, b, { m: 2, n: 1.5, k: 3 })).toThrow(ShapeError);
    expect(() => core.matmul(a, b, { m: 2, n: 2, k: NaN })).toThrow(/k must be a non-negative integer, got NaN/);
    expect(() => core.matmul(a, b, { m: '2', n: 2, k: 3 } as never)).toThrow(ShapeError);
    expect(() => core.matmul(a, b, { m: 2, n: 2, k: 3, transA: 1 } as never)).toThrow(/transA must be a boolean/);
    expect(() => core.matmul(a, b, undefined as never)).toThrow(/options must be an object/);
  });

  it('rejects mismatched lengths with the expected shape', () => {
    expect(() => core.matmul(new Float32Array(5), b, { m: 2, n: 2, k: 3 })).toThrow(ShapeError);
    expect(() => core.matmul(new Float32Array(5), b, { m: 2, n: 2, k: 3 })).toThrow(
      /a has length 5, expected 6 \(A is m×k = 2×3\)/,
    );
    expect(() => core.matmul(a, new Float32Array(7), { m: 2, n: 2, k: 3 })).toThrow(/b has length 7, expected 6/);
    expect(() => core.matmul(a, b, { m: 2, n: 2, k: 3 }, new Float32Array(3))).toThrow(/out has length 3, expected 4/);
    expect(() => core.matmul([1, 2] as never, b, { m: 2, n: 2, k: 3 })).toThrow(/a must be a Float32Array, got Array\(2\)/);
  });

  it('rejects products whose operands cannot fit the wasm32 address space', () => {
    expect(() => core.matmul(a, b, { m: 70000, n: 2, k: 70000 })).toThrow(/A \(70000×70000\) needs 18\.25 GiB/);
  });

  it('rejects bad strides and overlapping output in gemm', () => {
    const A = core.alloc(6);
    const B = core.alloc(6);
    const C = core.alloc(4);
    expect(() => core.gemm(A, B, C, { m: 2, n: 2, k: 3, lda: 2 })).toThrow(/lda must be at least the row length 3, got 2/);
    expect(() => core.gemm(A, B, A, { m: 2, n: 2, k: 3 })).toThrow(/c must not overlap a or b/);
    expect(() => core.gemm(A, B, core.alloc(3), { m: 2, n: 2, k: 3 })).toThrow(/c has length 3, expected at least 4/);
    expect(() => core.matmul(a, b, { m: 2, n: 2, k: 3, lda: 3 } as never)).toThrow(/lda is not accepted here/);
    A.free();
    expect(() => A.view()).toThrow(/used after free/);
  });

  it('rejects bad init options', async () => {
    await expect(initWasm({ threads: 0 })).rejects.toThrow(/threads must be a positive integer, got 0/);
    await expect(initWasm({ threads: 1.5 })).rejects.toMatchObject({ name: 'ConfigError', key: 'threads' });
    await expect(initWasm({ artifact: 'gpu' as never })).rejects.toThrow(/artifact must be .* got "gpu"/);
    await expect(initWasm({ artifact: 'gpu' as never })).rejects.toMatchObject({ name: 'ConfigError', key: 'artifact' });
  });
});

describe('Rust panics surface as errors with their message', () => {
  it('turns a trap into WasmRuntimeError and refuses further calls on that instance', async () => {
    const core = await initWasm({ artifact: 'simd' });
    expect(() => debugPanic(core)).toThrow(WasmRuntimeError);
    expect(() => core.matmul(new Float32Array(1), new Float32Array(1), { m: 1, n: 1, k: 1 })).toThrow(
      /unusable after an earlier failure \(panicked at [\s\S]*wgpt_debug_panic called/,
    );
    await core.terminate();
  });
});

describe('built artifacts', () => {
  // The relaxed-SIMD pair compiles only where the engine has relaxed SIMD; tests/wasm-relaxed.relaxed.test.ts
  // checks them in a process that has it.
  const compilable = (Object.keys(ARTIFACT_FILES) as ArtifactName[]).filter((n) => !ARTIFACTS[n].relaxedSimd || relaxedSimdSupported());
  it.each(compilable)('%s exports the whole table and imports the declared memory', (name) => {
    const bytes = readFileSync(defaultArtifactUrl(name));
    const module = new WebAssembly.Module(bytes);
    const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
    const wanted = [...EXPORT_NAMES, ...OP_EXPORT_NAMES, ...(ARTIFACTS[name].threads ? THREAD_EXPORT_NAMES : [])];
    expect(OP_EXPORT_NAMES.length).toBe(28);
    expect(wanted.filter((n) => !exported.has(n))).toEqual([]);
    expect(readMemoryImport(bytes)).toEqual({
      module: 'env', name: 'memory', shared: ARTIFACTS[name].threads, initialPages: INITIAL_PAGES, maxPages: MAX_PAGES,
    });
    expect(bytes.length).toBeLessThan(1024 * 1024);
  });
});

describe('Node process lifetime', () => {
  const script = (terminate: boolean) => `
    import { initWasm } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
    const core = await initWasm({ threads: 2 });
    const c = core.matmul(new Float32Array(64 * 64).fill(1), new Float32Array(64 * 64).fill(2), { m: 64, n: 64, k: 64 });
    console.log(core.capabilities().threadCount, c[0]);
    ${terminate ? 'await core.terminate();' : ''}`;

  it.each([true, false])('exits by itself with a live pool (terminate() called: %s)', (terminate) => {
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', script(terminate)], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      timeout: 30_000,
      encoding: 'utf8',
    });
    expect(res.error, 'the process did not exit within 30 s').toBeUndefined();
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout.trim()).toBe('2 128');
  });
});
