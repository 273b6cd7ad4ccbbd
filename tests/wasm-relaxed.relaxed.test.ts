/**
 * The relaxed-SIMD artifacts (`f32x4.relaxed_madd` for every multiply-add). Runs in the 'relaxed-simd' vitest
 * project (vitest.config.ts), whose Node validates relaxed SIMD (Node 20 gets --experimental-wasm-relaxed-simd).
 *
 * - Thread count and tile shape: still bitwise identical (the engine decides fused or not once per instruction).
 * - Against the SIMD128 build: each output of either build is within (K+4)·ε·M of the exact value (ε = 2⁻²³,
 *   M = |α|·Σ|aᵢbᵢ| + |β·c|, tests/helpers/tolerance.ts), and the two differ by at most (K·(1 + K·u) + 4)·ε·M
 *   (u = 2⁻²⁴; derived in README "Relaxed SIMD": per step the product rounding one side skips plus both sides'
 *   sum roundings). When this engine fuses (capabilities().fusedMultiplyAdd) they must differ somewhere, or the
 *   relaxed path is not in use; when it does not fuse they must be bitwise equal.
 * - A GPT forward: the logits of the two builds agree within the tolerance the suite uses for two float32
 *   evaluations of one model that differ by a few ulps per op (tests/model.inference.test.ts).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWasm, type WasmCore } from '../src/index.js';
import { createWasmKernels } from '../src/kernels/index.js';
import { GPTEngine } from '../src/model/engine.js';
import { InferenceSession } from '../src/model/inference.js';
import type { ModelDims } from '../src/model/layout.js';
import {
  ARTIFACTS, defaultArtifactUrl, INITIAL_PAGES, MAX_PAGES, relaxedMaddFuses, relaxedSimdSupported, type ArtifactName,
} from '../src/wasm/artifacts.js';
import { EXPORT_NAMES, THREAD_EXPORT_NAMES } from '../src/wasm/exports.js';
import { GEMM_KERNEL_NAMES } from '../src/wasm/gemm-kernels.js';
import { OP_EXPORT_NAMES } from '../src/kernels/index.js';
import { bitsEqual, expectWithinBound, gemmReference64, seeded, type GemmCase } from './helpers/tolerance.js';
import { expectClose } from './helpers/close.js';
import { readMemoryImport } from './helpers/wasm-binary.js';

const RELAXED: ArtifactName[] = ['relaxed-simd', 'threads-relaxed-simd'];
const TRANSPOSES = [[false, false], [false, true], [true, false], [true, true]] as const;

/** C ← α·op(A)·op(B) + β·C with C placed `cOffset` floats into its allocation (moves the GEMV thread bands). */
function runGemm(core: WasmCore, g: GemmCase, seed: number, cOffset = 0) {
  const { m, n, k, transA = false, transB = false } = g;
  const a = seeded(seed, m * k);
  const b = seeded(seed + 1, k * n);
  const c = seeded(seed + 2, m * n);
  const [A, B, Cs] = [core.from(a), core.from(b), core.alloc(m * n + cOffset)];
  const C = Cs.subarray(cOffset, m * n).set(c);
  core.gemm(A, B, C, { ...g, transA, transB });
  const out = C.read();
  A.free(); B.free(); Cs.free();
  return { out, a, b, c };
}

/** The bytes of the code section (id 10) of a wasm binary. */
function codeSection(bytes: Uint8Array): Uint8Array {
  let pos = 8;
  const leb = () => {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
    }
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = leb();
    if (id === 10) return bytes.subarray(pos, pos + size);
    pos += size;
  }
  throw new Error('no code section');
}

it('this vitest project runs with relaxed SIMD', () => {
  expect(relaxedSimdSupported()).toBe(true);
});

describe('the built relaxed artifacts', () => {
  it.each(RELAXED)('%s exports the whole table, imports the declared memory and reports relaxed SIMD', (name) => {
    const bytes = readFileSync(defaultArtifactUrl(name));
    const module = new WebAssembly.Module(bytes);
    const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
    const wanted = [...EXPORT_NAMES, ...OP_EXPORT_NAMES, ...(ARTIFACTS[name].threads ? THREAD_EXPORT_NAMES : [])];
    expect(wanted.filter((n) => !exported.has(n))).toEqual([]);
    expect(readMemoryImport(bytes)).toMatchObject({ shared: ARTIFACTS[name].threads, initialPages: INITIAL_PAGES, maxPages: MAX_PAGES });
    // f32x4.relaxed_madd is 0xfd 0x85 0x02: the multiply-adds really are relaxed.
    expect(Buffer.from(bytes).includes(Buffer.from([0xfd, 0x85, 0x02]))).toBe(true);
  });

  // relaxed_laneselect (0x10b) stands in for pmax/pmin where a NaN must survive the max itself (crate/src/simd.rs):
  // its masks are compares, whose all-ones/all-zeros lanes make it exactly bitselect. relaxed_min/max (0x10d,
  // 0x10e) may drop a NaN, so they appear only where a later step restores it: exp's clamp (which ORs the NaN
  // mask back in) and the running max before it (the NaN reaches the exp anyway); the NaN test below checks both.
  it('relaxed_madd, laneselect and relaxed min/max are the only relaxed instructions in them', () => {
    for (const name of RELAXED) {
      const code = codeSection(readFileSync(defaultArtifactUrl(name)));
      // relaxed_swizzle … relaxed_dot_i8x16_i7x16_add_s are 0x100–0x113, LEB128 0x80–0x93 then 0x02.
      const found = new Set<number>();
      for (let i = 0; i + 2 < code.length; i++) {
        if (code[i] === 0xfd && code[i + 2] === 0x02 && code[i + 1] >= 0x80 && code[i + 1] <= 0x93) found.add(0x100 + code[i + 1] - 0x80);
      }
      expect([name, [...found].map((op) => op.toString(16)).sort()]).toEqual([name, ['105', '10b', '10d', '10e']]);
    }
  });

  it('the SIMD128 artifacts contain no relaxed multiply-add', () => {
    for (const name of ['simd', 'threads-simd'] as const) {
      expect(Buffer.from(readFileSync(defaultArtifactUrl(name))).includes(Buffer.from([0xfd, 0x85, 0x02]))).toBe(false);
    }
  });
});

describe("artifact: 'auto' where relaxed SIMD validates", () => {
  it('takes the relaxed build, threaded or not, and reports it; naming a SIMD128 build still forces it', async () => {
    for (const [threads, want] of [[2, 'threads-relaxed-simd'], [1, 'relaxed-simd']] as const) {
      const core = await initWasm({ threads });
      const caps = core.capabilities();
      await core.terminate();
      expect(caps).toMatchObject({ artifact: want, relaxedSimd: true, fusedMultiplyAdd: relaxedMaddFuses(), threadCount: threads });
      expect(caps.reason).toMatch(/relaxed SIMD available/);
    }
    const plain = await initWasm({ artifact: 'threads-simd', threads: 2 });
    expect(plain.capabilities()).toMatchObject({ artifact: 'threads-simd', relaxedSimd: false, fusedMultiplyAdd: false });
    await plain.terminate();
  });

  it('a relaxed name pointed at a SIMD128 file is refused', async () => {
    await expect(initWasm({ artifact: 'relaxed-simd', wasmUrl: { 'relaxed-simd': defaultArtifactUrl('simd') } })).rejects.toThrow(
      /is not a relaxed-SIMD build, but was loaded as 'relaxed-simd'/,
    );
  });
});

describe('relaxed build: results do not depend on the thread count or the tile shape', () => {
  const cores: WasmCore[] = [];
  beforeAll(async () => {
    cores.push(await initWasm({ artifact: 'relaxed-simd' }));
    for (const threads of [1, 2, 3]) cores.push(await initWasm({ artifact: 'threads-relaxed-simd', threads }));
    for (const gemmKernel of GEMM_KERNEL_NAMES) cores.push(await initWasm({ artifact: 'threads-relaxed-simd', threads: 2, gemmKernel }));
  });
  afterAll(async () => {
    await Promise.all(cores.map((c) => c.terminate()));
  });

  it('GEMM is bitwise identical on the single-thread build, 1, 2, 3 threads and every tile shape', () => {
    expect(cores.map((c) => c.capabilities().threadCount)).toEqual([1, 1, 2, 3, 2, 2, 2]);
    let seed = 900;
    // Small M (matrix-vector path) with C at every alignment, so thread bands start at columns ≢ 0 (mod 4) and
    // scalar tails land on different columns for different thread counts (m·n·k ≥ 2²⁰, or it runs on one thread).
    const cases: [number, number, number, number][] = [
      [1, 3000, 700, 0], [1, 3001, 700, 1], [2, 1003, 1025, 2], [3, 517, 700, 3], [200, 300, 600, 0], [101, 5000, 31, 1], [64, 64, 64, 0],
    ];
    for (const [m, n, k, off] of cases) {
      for (const [transA, transB] of TRANSPOSES) {
        const g = { m, n, k, transA, transB, alpha: 0.75, beta: 0.5 };
        const s = seed++;
        const results = cores.map((core) => runGemm(core, g, s, off).out);
        for (let i = 1; i < results.length; i++) {
          expect(bitsEqual(results[0], results[i]), `${JSON.stringify(g)} C+${off}: core ${i} differs`).toBe(true);
        }
      }
    }
  });

  it('a GPT forward and backward is bitwise identical on 1 and 3 threads', () => {
    const [one, , , three] = cores;
    const [a, b] = [one, three].map((core) => {
      const e = gptEngine(core);
      e.zeroGrad();
      const loss = e.forward(TOKENS, TARGETS);
      e.backward();
      const out = { loss, logits: e.k.read(e.a('logits')), grads: e.k.read(e.grads) };
      e.free();
      return out;
    });
    expect(a.loss).toBe(b.loss);
    expect(bitsEqual(a.logits, b.logits)).toBe(true);
    expect(bitsEqual(a.grads, b.grads)).toBe(true);
  });

  it('KV-cache decode (GEMV and cached attention) is bitwise identical on 1 and 3 threads', () => {
    const [one, , , three] = cores;
    const [a, b] = [one, three].map((core) => {
      const e = gptEngine(core);
      const s = new InferenceSession({ kernels: e.k, config: DIMS, params: e.params }, { batch: 2 });
      const out = [Float32Array.from(s.prefill([1, 2, 3, 4, 5, 6, 7, 8]))];
      for (let t = 0; t < 12; t++) out.push(Float32Array.from(s.forward([(t * 13) % DIMS.vocabSize, (t * 7) % DIMS.vocabSize])));
      s.free();
      e.free();
      return out;
    });
    a.forEach((x, i) => expect(bitsEqual(x, b[i]), `step ${i}`).toBe(true));
  });
});

// Wide enough that every GEMM path runs (K up to 4·C, N = V over the tied head), small enough for a test.
const DIMS: ModelDims = {
  vocabSize: 500, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 128, activation: 'gelu', norm: 'pre',
  positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5,
};
const BATCH = 2;
const TOKENS = Array.from({ length: BATCH * DIMS.blockSize }, (_, i) => (i * 37 + 11) % DIMS.vocabSize);
const TARGETS = TOKENS.map((t) => (t * 7 + 3) % DIMS.vocabSize);

function gptEngine(core: WasmCore) {
  const e = new GPTEngine(createWasmKernels(core), DIMS, BATCH, DIMS.blockSize);
  e.initGpt2(4242);
  return e;
}

describe('relaxed build against the SIMD128 build', () => {
  let plain: WasmCore;
  let relaxed: WasmCore;
  beforeAll(async () => {
    plain = await initWasm({ artifact: 'simd' });
    relaxed = await initWasm({ artifact: 'relaxed-simd' });
  });
  afterAll(async () => {
    await Promise.all([plain.terminate(), relaxed.terminate()]);
  });

  it('GEMM: each within (K+4)·ε·M of the exact product, within (K·(1+K·u)+4)·ε·M of each other; fused ⇒ they differ', () => {
    const fused = relaxed.capabilities().fusedMultiplyAdd;
    expect(fused).toBe(relaxedMaddFuses());
    let seed = 3100;
    // GPT-2-like products (K = 768 and 3072, the decode GEMV), and edges of tiles and tails.
    const shapes: [number, number, number][] = [[64, 768, 768], [16, 768, 3072], [1, 3072, 768], [1, 768, 3072], [3, 301, 257], [49, 257, 513]];
    let differing = 0;
    let worst = 0;
    for (const [m, n, k] of shapes) {
      for (const [transA, transB] of TRANSPOSES) {
        const g = { m, n, k, transA, transB, alpha: 1, beta: 0.5 };
        const s = seed++;
        const p = runGemm(plain, g, s);
        const r = runGemm(relaxed, g, s);
        const { want, bound } = gemmReference64(p.a, p.b, p.c, g);
        const label = JSON.stringify(g);
        expectWithinBound(p.out, want, bound, `SIMD128 ${label}`);
        expectWithinBound(r.out, want, bound, `relaxed ${label}`);
        // `bound` is (K+4)·ε·M; rescale it to the bound between the two builds.
        const between = bound.map((x) => (x * (k * (1 + k * 2 ** -24) + 4)) / (k + 4));
        expectWithinBound(r.out, Float64Array.from(p.out), between, `relaxed vs SIMD128 ${label}`);
        for (let i = 0; i < r.out.length; i++) worst = Math.max(worst, Math.abs(r.out[i] - p.out[i]) / between[i]);
        for (let i = 0; i < r.out.length; i++) if (r.out[i] !== p.out[i]) differing++;
        if (!fused) expect(bitsEqual(p.out, r.out), label).toBe(true);
      }
    }
    if (fused) expect(differing).toBeGreaterThan(0);
    console.log(`relaxed vs SIMD128 GEMM: ${differing} outputs differ; largest difference ${worst.toExponential(2)} of the bound`);
  });

  it('NaN goes where it goes in the SIMD128 build: cross-entropy, attention, GELU (no NaN dropped by a relaxed max)', () => {
    const results = [plain, relaxed].map((core) => {
      const k = createWasmKernels(core);
      const V = 37; // vector body and scalar tail
      const logits = seeded(5, 3 * V);
      logits[4] = NaN; // row 0, vector part
      logits[V + 35] = NaN; // row 1, tail
      const [X, L, S, T, D] = [k.from(logits), k.alloc(3), k.alloc(3), k.fromI32(Int32Array.of(1, 2, 3)), k.alloc(3 * V)];
      const mean = k.crossEntropyForward(L, S, X, T, 3, V, -100);
      k.crossEntropyBackward(D, X, S, T, 3, V, -100, 1);
      const x = Float32Array.from(seeded(6, 23), (v, i) => (i % 5 === 0 ? NaN : 40 * v));
      const [GX, GO, GD, GG] = [k.from(x), k.alloc(23), k.alloc(23), k.from(seeded(7, 23))];
      k.geluForward(GO, GX, 23);
      k.geluBackward(GD, GX, GG, 23, false);
      // Attention: a NaN in one query and in one key, through both softmax kernels (the fused attention's
      // panels and the KV cache's rows, here over the same 9 new rows).
      const [Tn, Cn, NH] = [9, 16, 2];
      const qkv = seeded(8, Tn * 3 * Cn);
      qkv[2 * 3 * Cn + 1] = NaN; // query of row 2, head 0
      qkv[5 * 3 * Cn + Cn + 9] = NaN; // key of row 5, head 1
      const [Q, AO, AL] = [k.from(qkv), k.alloc(Tn * Cn), k.alloc(NH * Tn)];
      k.attentionForward(AO, AL, Q, 1, Tn, Cn, NH, 0, 0);
      const [KV, KO] = [k.alloc(2 * Tn * Cn), k.alloc(Tn * Cn)];
      k.kvAttentionForward(KO, KV, Q, 1, Tn, 0, Tn, Cn, NH);
      return { mean, lse: k.read(S), dlogits: k.read(D), gelu: k.read(GO), dgelu: k.read(GD), attn: k.read(AO), kvAttn: k.read(KO) };
    });
    const [p, r] = results;
    expect(Number.isNaN(p.mean)).toBe(true);
    expect(Number.isNaN(r.mean)).toBe(true);
    for (const key of ['lse', 'dlogits', 'gelu', 'dgelu', 'attn', 'kvAttn'] as const) {
      expect(Array.from(r[key], Number.isNaN), key).toEqual(Array.from(p[key], Number.isNaN));
    }
    expect(Array.from(r.lse, Number.isNaN)).toEqual([true, true, false]);
    // Row 2's head 0 is NaN; head 1 is NaN from row 5 on (every later row sees the NaN key); nothing else.
    const nanAt = (t: number, h: number) => (t === 2 && h === 0) || (t >= 5 && h === 1);
    const want = Array.from({ length: 9 * 16 }, (_, i) => nanAt(Math.floor(i / 16), Math.floor((i % 16) / 8)));
    expect(Array.from(r.attn, Number.isNaN)).toEqual(want);
    expect(Array.from(r.kvAttn, Number.isNaN)).toEqual(want);
  });

  it('GPT forward: logits agree within 2e-5 + 2e-5·|logit|; fused ⇒ not bitwise equal', () => {
    const [p, r] = [plain, relaxed].map((core) => {
      const e = gptEngine(core);
      e.forward(TOKENS, TARGETS);
      const logits = e.k.read(e.a('logits'));
      e.free();
      return logits;
    });
    expectClose(r, p, { abs: 2e-5, rel: 2e-5 }, 'relaxed vs SIMD128 logits');
    let worst = 0;
    for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(r[i] - p[i]) / (1 + Math.abs(p[i])));
    console.log(`relaxed vs SIMD128 logits: max |Δ|/(1+|logit|) = ${worst.toExponential(2)}`);
    expect(bitsEqual(p, r)).toBe(!relaxed.capabilities().fusedMultiplyAdd);
  });
});
