// wasm-gpt beside the engines a user would pick instead, in one run: TensorFlow.js' wasm backend (XNNPACK) and
// onnxruntime-web (its wasm execution provider), on 1 and 2 threads. Every engine × thread count runs in its own
// child process (tfjs keeps the first wasm build it loads; threads must not leak between configurations), one
// after another, so all numbers of a run share the machine's conditions and their ratios are what to report.
//
//   gemm       C = A·B, GFLOP/s, operands resident in each engine's memory: wasm-gpt `core.gemm` on `core.from`
//              buffers, B as K×N (the peers' layout) and as N×K (transB: how the model's linear layers and tied
//              LM head hold their weights); tfjs `matMul` with one element read back; onnxruntime a MatMul
//              whose B is an initializer (its output is copied out on every run: onnxruntime-web has no other way)
//   attention  causal self-attention forward, 12 heads × 64, ms: wasm-gpt's kernel on fused QKV rows; the peers
//              Q·Kᵀ·scale + mask → softmax → ·V on separate (H, T, D) tensors
//   decode     GPT-2 124M, random weights from a fixed seed in both engines: a 128-token prompt, 64 greedy
//              tokens with a KV cache; prefill tokens/s (prompt / time to the first token) and decode tokens/s
//              (63 / time of the other tokens). wasm-gpt through `Sampler.stream` (temperature 0), onnxruntime
//              with our ONNX export (bench/onnx/gpt2.mjs) feeding present.* back as past_key_values.*. The
//              greedy tokens must be identical (the bench fails otherwise); max |Δ| of the prefill's logits.
//              `wasm-gpt q8` runs the same weights quantized (`gpt.quantize('q8')`): its tokens must agree
//              between thread counts, and its logits' distance from the float32 model's is reported.
//              `onnxruntime-web int8` runs the export with int8 weight products (bench/onnx/gpt2.mjs, what
//              onnxruntime's quantize_dynamic makes of a MatMul); its tokens are reported, not required.
//
// Ratios are speeds, wasm-gpt ÷ peer (> 1: wasm-gpt is faster), each thread count against the same count.
// Usage: node bench/peers.mjs [--quick] [--only=gemm,attention,decode] [--markdown] [--json FILE]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Results, fmt, median, medianMs, medianMsAsync, parseArgs, printTable } from './lib.mjs';
import { exportGpt2Onnx, gpt2Dims, seededGpt2Params } from './onnx/gpt2.mjs';
import { causalAttentionModel, causalMask, matmulModel } from './onnx/graphs.mjs';

const SECTIONS = ['gemm', 'attention', 'decode'];
const WASM_GPT = 'wasm-gpt';
const WASM_GPT_TRANS_B = 'wasm-gpt Bᵀ';
/** wasm-gpt on the same weights quantized to q8 (`gpt.quantize('q8')`): decode only. */
const WASM_GPT_Q8 = 'wasm-gpt q8';
const TFJS = 'tfjs-wasm';
const ORT = 'onnxruntime-web';
/** onnxruntime-web on our export with int8 weight products (quantize_dynamic's form): decode only. */
const ORT_INT8 = 'onnxruntime-web int8';
const THREADS = [1, 2];
const RUNS = {
  gemm: [WASM_GPT, TFJS, ORT],
  attention: [WASM_GPT, TFJS, ORT],
  decode: [WASM_GPT, WASM_GPT_Q8, ORT, ORT_INT8],
};

const args = parseArgs(undefined, { flags: ['markdown'], options: ['child'] });
const GEMM_SHAPES = [
  [256, 768, 768], [256, 768, 3072], [256, 3072, 768], [512, 512, 512], ...(args.quick ? [] : [[1024, 1024, 1024]]),
  [1, 768, 768], [1, 768, 3072], [1, 768, 50257],
];
const ATTENTION = { heads: 12, headSize: 64, lengths: args.quick ? [256] : [256, 1024] };
const GPT2 = gpt2Dims({ vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 });
const DECODE = { promptTokens: 128, newTokens: 64, reps: args.quick ? 1 : 3, seed: 2026 };
const TIMING = args.quick ? { minReps: 3, minMs: 300 } : { minReps: 5, minMs: 1500 };

/** Deterministic operands (the same in every process; values in ±0.5, no denormals). */
function operand(n, seed) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898 + seed * 78.233) * 0.5;
  return a;
}

function promptIds(n, vocab) {
  let s = 12345;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % vocab;
  });
}

function argmax(a) {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

const emit = (record) => console.log('RESULT ' + JSON.stringify(record));
const shapeName = (s) => s.join('·');

// ---------------------------------------------------------------- engines, one per child process

async function loadWasmGpt(threads) {
  const { initWasm } = await import('../dist/index.js');
  const core = await initWasm({ threads });
  const caps = core.capabilities();
  emit({ info: WASM_GPT, threads, artifact: caps.artifact, threadCount: caps.threadCount, gemmKernel: caps.gemmKernel });
  return core;
}

async function loadOrt(threads) {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = threads;
  const create = (model) => ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return { ort, create };
}

async function loadTfjs(threads) {
  const { initTfjsWasm } = await import('./tfjs-node.mjs');
  const loaded = await initTfjsWasm(threads);
  emit({ info: TFJS, threads, threadCount: loaded.threads });
  return loaded.tf;
}

const gflops = (M, K, N, ms) => (2 * M * K * N) / ms / 1e6;

async function gemmChild(engine, threads) {
  if (engine === WASM_GPT) {
    const core = await loadWasmGpt(threads);
    if (threads === 1) {
      const { simdPeak } = await import('../dist/testing.js');
      let best = 0;
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        const flops = simdPeak(core, 20_000_000);
        best = Math.max(best, flops / (performance.now() - t0) / 1e6);
      }
      emit({ info: 'peak', gflops: best });
    }
    for (const [M, K, N] of GEMM_SHAPES) {
      const A = core.from(operand(M * K, 1));
      const C = core.alloc(M * N);
      for (const transB of [false, true]) {
        const B = core.from(operand(K * N, 2));
        const ms = medianMs(() => core.gemm(A, B, C, { m: M, k: K, n: N, transB, alpha: 1, beta: 0 }), TIMING);
        emit({ engine: transB ? WASM_GPT_TRANS_B : WASM_GPT, shape: shapeName([M, K, N]), metric: 'GFLOP/s', value: gflops(M, K, N, ms) });
        B.free();
      }
      A.free();
      C.free();
    }
    await core.terminate();
  } else if (engine === TFJS) {
    const tf = await loadTfjs(threads);
    const backend = tf.backend();
    for (const [M, K, N] of GEMM_SHAPES) {
      const A = tf.tensor2d(operand(M * K, 1), [M, K]);
      const B = tf.tensor2d(operand(K * N, 2), [K, N]);
      // The wasm kernels run inside matMul(); reading one element waits for nothing and copies nothing.
      const ms = medianMs(() => {
        const c = tf.matMul(A, B);
        backend.readSync(c.dataId, 0, 1);
        c.dispose();
      }, TIMING);
      emit({ engine, shape: shapeName([M, K, N]), metric: 'GFLOP/s', value: gflops(M, K, N, ms) });
      tf.dispose([A, B]);
    }
  } else {
    const { ort, create } = await loadOrt(threads);
    for (const [M, K, N] of GEMM_SHAPES) {
      const session = await create(matmulModel(M, K, N, operand(K * N, 2)));
      const feeds = { A: new ort.Tensor('float32', operand(M * K, 1), [M, K]) };
      const ms = await medianMsAsync(async () => (await session.run(feeds)).Y.dispose(), TIMING);
      emit({ engine, shape: shapeName([M, K, N]), metric: 'GFLOP/s', value: gflops(M, K, N, ms) });
      await session.release();
    }
  }
}

async function attentionChild(engine, threads) {
  const { heads: H, headSize: D } = ATTENTION;
  const C = H * D;
  // timeAt(T) → median ms of one forward at sequence length T
  let timeAt;
  let done = async () => {};
  if (engine === WASM_GPT) {
    const core = await loadWasmGpt(threads);
    const { createWasmKernels } = await import('../dist/kernels/index.js');
    const k = createWasmKernels(core);
    timeAt = (T) => {
      const qkv = k.from(operand(T * 3 * C, 3));
      const out = k.alloc(T * C);
      const lse = k.alloc(H * T);
      const ms = medianMs(() => k.attentionForward(out, lse, qkv, 1, T, C, H, 0, 1), TIMING);
      for (const buffer of [qkv, out, lse]) buffer.free();
      return ms;
    };
    done = () => core.terminate();
  } else if (engine === TFJS) {
    const tf = await loadTfjs(threads);
    const backend = tf.backend();
    timeAt = (T) => {
      const [q, k, v] = [4, 5, 6].map((seed) => tf.tensor3d(operand(H * T * D, seed), [H, T, D]));
      const mask = tf.tensor2d(causalMask(T), [T, T]);
      const scale = tf.scalar(1 / Math.sqrt(D));
      const ms = medianMs(() => {
        const o = tf.tidy(() => tf.matMul(tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), scale), mask)), v));
        backend.readSync(o.dataId, 0, 1);
        o.dispose();
      }, TIMING);
      tf.dispose([q, k, v, mask, scale]);
      return ms;
    };
  } else {
    const { ort, create } = await loadOrt(threads);
    timeAt = async (T) => {
      const session = await create(causalAttentionModel(H, T, D));
      const feeds = Object.fromEntries(['Q', 'K', 'V'].map((name, i) => [name, new ort.Tensor('float32', operand(H * T * D, 4 + i), [H, T, D])]));
      const ms = await medianMsAsync(async () => (await session.run(feeds)).O.dispose(), TIMING);
      await session.release();
      return ms;
    };
  }
  for (const T of ATTENTION.lengths) emit({ engine, shape: `T=${T} ${H}×${D}`, metric: 'ms', value: await timeAt(T) });
  await done();
}

/**
 * Runs `generate(prompt, newTokens, onToken)` once short to warm up, then `reps` times; returns medians of
 * prefill and decode tokens/s, the tokens of the first timed run and `firstLogits`.
 */
async function timeGenerations(generate, prompt) {
  await generate(prompt.slice(0, 16), 4, () => {});
  const prefill = [];
  const decode = [];
  let tokens;
  for (let r = 0; r < DECODE.reps; r++) {
    const got = [];
    const t0 = performance.now();
    let first = 0;
    await generate(prompt, DECODE.newTokens, (token) => {
      if (got.length === 0) first = performance.now();
      got.push(token);
    });
    const end = performance.now();
    prefill.push(prompt.length / ((first - t0) / 1000));
    decode.push((got.length - 1) / ((end - first) / 1000));
    tokens ??= got;
  }
  return { prefill: median(prefill), decode: median(decode), tokens };
}

async function decodeChild(engine, threads) {
  let params = seededGpt2Params(GPT2, DECODE.seed);
  const prompt = promptIds(DECODE.promptTokens, GPT2.vocabSize);
  let result;
  let firstLogits;
  if (engine === WASM_GPT || engine === WASM_GPT_Q8) {
    const core = await loadWasmGpt(threads);
    const { GPT, InferenceSession, Sampler } = await import('../dist/index.js');
    let gpt = await GPT.create(GPT2, { core });
    gpt.setParameters(params);
    params = undefined;
    if (engine === WASM_GPT_Q8) {
      const q = gpt.quantize('q8');
      gpt.dispose();
      gpt = q;
    }
    const session = new InferenceSession(gpt, { maxLength: DECODE.promptTokens });
    firstLogits = Float32Array.from(session.prefill(prompt));
    session.free();
    const sampler = new Sampler(gpt);
    result = await timeGenerations(async (ids, maxNewTokens, onToken) => {
      for await (const chunk of sampler.stream({ prompt: ids, maxNewTokens, temperature: 0, endTokens: [] })) onToken(chunk.token);
    }, prompt);
    sampler.dispose();
    gpt.dispose();
    await core.terminate();
  } else {
    const { ort, create } = await loadOrt(threads);
    const session = await create(exportGpt2Onnx(GPT2, params, { lastLogitsOnly: true, int8: engine === ORT_INT8 }));
    params = undefined;
    const { nLayer: L, nHead: NH, nEmbd: C } = GPT2;
    const emptyPast = new ort.Tensor('float32', new Float32Array(0), [1, NH, 0, C / NH]);
    const run = (ids, past) => {
      const feeds = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) };
      for (let l = 0; l < L; l++) {
        for (const kv of ['key', 'value']) feeds[`past_key_values.${l}.${kv}`] = past?.[`present.${l}.${kv}`] ?? emptyPast;
      }
      return session.run(feeds);
    };
    firstLogits = Float32Array.from((await run(prompt)).logits.data);
    result = await timeGenerations(async (ids, maxNewTokens, onToken) => {
      let out = await run(ids);
      for (let n = 0; n < maxNewTokens; n++) {
        const token = argmax(out.logits.data);
        onToken(token);
        if (n + 1 < maxNewTokens) out = await run([token], out);
      }
    }, prompt);
    await session.release();
  }
  const shape = `GPT-2 124M, ${DECODE.promptTokens}-token prompt, ${DECODE.newTokens} greedy tokens`;
  emit({ engine, shape, metric: 'prefill tokens/s', value: result.prefill });
  emit({ engine, shape, metric: 'decode tokens/s', value: result.decode });
  const logits = Buffer.from(firstLogits.buffer, firstLogits.byteOffset, firstLogits.byteLength).toString('base64');
  emit({ check: engine, threads, tokens: result.tokens, logits });
}

const CHILDREN = { gemm: gemmChild, attention: attentionChild, decode: decodeChild };

// ---------------------------------------------------------------- the parent: run children, compare, print

function cpuName() {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(info)?.[1]?.trim();
    const model = field('model name');
    if (model) return `${model} (family ${field('cpu family')}, model ${field('model')}), ${os.cpus().length} logical CPUs`;
  } catch {}
  return `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical CPUs`;
}

/** Installed version (read from node_modules: onnxruntime-web's exports hide its package.json). */
function packageVersion(name) {
  return JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
}

function runChild(section, engine, threads) {
  const t0 = performance.now();
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--child=${section}:${engine}:${threads}`, ...(args.quick ? ['--quick'] : [])], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 << 20,
  });
  const records = [];
  for (const line of child.stdout.split('\n')) {
    if (line.startsWith('RESULT ')) records.push({ ...JSON.parse(line.slice(7)), section, threads });
    else if (line.trim()) console.log(`  [${section} ${engine} ${threads}t] ${line}`);
  }
  const failed = child.status !== 0 ? `exit status ${child.status}${child.signal ? ` (${child.signal})` : ''}` : undefined;
  console.log(`  ${section}: ${engine}, ${threads} thread${threads > 1 ? 's' : ''}: ${records.length} records in ${((performance.now() - t0) / 1000).toFixed(1)} s${failed ? ` FAILED: ${failed}` : ''}`);
  return { records, failed };
}

/** Speed of wasm-gpt over a peer: for times the peer's over ours. */
const speedRatio = (ours, theirs, metric) => (ours === undefined || theirs === undefined ? undefined : metric === 'ms' ? theirs / ours : ours / theirs);
const ratioText = (r) => (r === undefined ? '–' : `${r.toFixed(2)}×`);

async function main() {
  const sections = args.only ?? SECTIONS;
  for (const s of sections) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section ${s}; sections are ${SECTIONS.join(', ')}`);
  const header = `CPU: ${cpuName()}; Node ${process.version}; tfjs-backend-wasm ${packageVersion('@tensorflow/tfjs-backend-wasm')}, onnxruntime-web ${packageVersion('onnxruntime-web')}${args.quick ? '; --quick' : ''}`;
  console.log(header);
  const records = [];
  const failures = [];
  for (const section of sections) {
    for (const threads of THREADS) {
      for (const engine of RUNS[section]) {
        const { records: got, failed } = runChild(section, engine, threads);
        records.push(...got);
        if (failed) failures.push(`${section} ${engine} ${threads}t: ${failed}`);
      }
    }
  }

  const value = (engine, threads, shape, metric) => records.find((r) => r.engine === engine && r.threads === threads && r.shape === shape && r.metric === metric)?.value;
  const results = new Results();
  for (const r of records.filter((x) => x.engine)) results.add('peers', r.engine, r.threads, r.shape, r.metric, r.value);
  const peak = records.find((r) => r.info === 'peak')?.gflops;
  const peakText = peak ? `SIMD128 peak probe ${fmt(peak)} GFLOP/s (1 core)` : 'SIMD128 peak probe not run (it runs with gemm)';
  // Each section's child reports its engine's setup; say each distinct one once.
  const setups = (engine, describe) => [...new Set(records.filter((r) => r.info === engine).map(describe))].join(', ') || '–';
  const wasmSetups = setups(WASM_GPT, (r) => `${r.threads}t ${r.artifact} (${r.threadCount} threads, ${r.gemmKernel} GEMM kernel)`);
  const tfjsThreads = setups(TFJS, (r) => `${r.threads}→${r.threadCount}`);
  console.log(`\nwasm-gpt ${wasmSetups}; ${peakText}; tfjs threads asked→got ${tfjsThreads}`);

  // Rows of the markdown summary: [label, metric, shape, ourEngine, peers]
  const summary = [];
  const rowsOf = (section) => [...new Set(records.filter((r) => r.section === section && r.engine).map((r) => `${r.shape}\u0000${r.metric}`))].map((k) => k.split('\u0000'));
  const peersOf = (section) => RUNS[section].filter((e) => e !== WASM_GPT && e !== WASM_GPT_Q8);

  for (const section of sections) {
    const ours = section === 'gemm' ? [WASM_GPT, WASM_GPT_TRANS_B] : section === 'decode' ? [WASM_GPT, WASM_GPT_Q8] : [WASM_GPT];
    const peers = peersOf(section);
    for (const threads of THREADS) {
      const rows = rowsOf(section).map(([shape, metric]) => {
        const cells = [shape, metric, ...[...ours, ...peers].map((e) => fmt(value(e, threads, shape, metric), metric === 'ms' ? 2 : 1))];
        for (const o of ours) {
          for (const p of peers) {
            const r = speedRatio(value(o, threads, shape, metric), value(p, threads, shape, metric), metric);
            cells.push(ratioText(r));
            if (r !== undefined) results.add('peers', `${o} / ${p}`, threads, shape, 'speed ratio', r);
          }
        }
        return cells;
      });
      console.log(`\n${section}, ${threads} thread${threads > 1 ? 's' : ''}:`);
      printTable(['shape', 'metric', ...ours, ...peers, ...ours.flatMap((o) => peers.map((p) => `${o} / ${p}`))], rows);
    }
    for (const [shape, metric] of rowsOf(section)) for (const o of ours) summary.push({ section, shape, metric, ours: o, peers });
  }

  const problems = [...failures];
  if (sections.includes('decode')) {
    const checks = records.filter((r) => r.check && r.check !== WASM_GPT_Q8 && r.check !== ORT_INT8);
    const reference = checks.find((c) => c.check === WASM_GPT && c.threads === 1) ?? checks[0];
    // q8 weights give other logits (and, on a random model, possibly other tokens): its two thread counts must
    // agree with each other; its distance from the float32 logits is reported.
    const q8 = records.filter((r) => r.check === WASM_GPT_Q8);
    if (q8.length > 0) {
      const decodeLogits = (c) => new Float32Array(new Uint8Array(Buffer.from(c.logits, 'base64')).buffer);
      const [a, b] = q8;
      if (b !== undefined && !(a.tokens.length === b.tokens.length && a.tokens.every((t, i) => t === b.tokens[i]))) {
        problems.push(`decode: ${WASM_GPT_Q8} greedy tokens differ between ${a.threads} and ${b.threads} threads`);
      }
      if (reference) {
        const [ql, fl] = [decodeLogits(a), decodeLogits(reference)];
        let max = 0;
        let sum = 0;
        for (let i = 0; i < ql.length; i++) {
          const d = Math.abs(ql[i] - fl[i]);
          max = Math.max(max, d);
          sum += d;
        }
        const agree = a.tokens.findIndex((t, i) => t !== reference.tokens[i]);
        console.log(`
${WASM_GPT_Q8}: prefill logits vs float32 max |Δ| ${max.toExponential(2)}, mean ${(sum / ql.length).toExponential(2)}; greedy tokens ${agree < 0 ? 'identical to float32\'s' : `agree with float32's for ${agree}`}${b ? `; ${b.threads}t tokens identical to ${a.threads}t` : ''}`);
        results.add('peers', WASM_GPT_Q8, a.threads, 'decode check', 'max |logit difference| vs float32', max);
      }
    }
    for (const c of records.filter((r) => r.check === ORT_INT8)) {
      const agree = reference ? c.tokens.findIndex((t, i) => t !== reference.tokens[i]) : -2;
      console.log(`${ORT_INT8} ${c.threads}t: greedy tokens ${agree === -1 ? 'identical to float32\'s' : `agree with float32's for ${agree}`}`);
    }
    if (reference) {
      const refLogits = new Float32Array(new Uint8Array(Buffer.from(reference.logits, 'base64')).buffer);
      console.log(`\ndecode check against ${reference.check} ${reference.threads}t: greedy tokens ${reference.tokens.slice(0, 12).join(' ')} …`);
      for (const c of checks) {
        if (c === reference) continue;
        const logits = new Float32Array(new Uint8Array(Buffer.from(c.logits, 'base64')).buffer);
        let maxDiff = 0;
        for (let i = 0; i < logits.length; i++) maxDiff = Math.max(maxDiff, Math.abs(logits[i] - refLogits[i]));
        const same = c.tokens.length === reference.tokens.length && c.tokens.every((t, i) => t === reference.tokens[i]);
        const firstDiff = c.tokens.findIndex((t, i) => t !== reference.tokens[i]);
        console.log(`  ${c.check} ${c.threads}t: tokens ${same ? 'identical' : `DIFFER from position ${firstDiff}`}, max |Δ logit| of the prefill ${maxDiff.toExponential(2)}`);
        results.add('peers', c.check, c.threads, 'decode check', 'max |logit difference|', maxDiff);
        if (!same) problems.push(`decode: ${c.check} ${c.threads}t greedy tokens differ from ${reference.check} ${reference.threads}t's`);
      }
    }
  }

  if (args.markdown) {
    const label = (s) => {
      if (s.section === 'gemm') {
        const [M] = s.shape.split('·').map(Number);
        return `${M === 1 ? 'GEMV' : 'SGEMM'} ${s.shape}${s.ours === WASM_GPT_TRANS_B ? ', B as N×K (transB)' : ''}, GFLOP/s`;
      }
      if (s.section === 'attention') return `causal attention ${s.shape}, ms`;
      return `${s.shape}: ${s.metric}${s.ours === WASM_GPT_Q8 ? ', wasm-gpt with q8 weights' : ''}`;
    };
    const both = (f) => `${f(1)} (${f(2)})`;
    const allPeers = [TFJS, ORT, ...(sections.includes('decode') ? [ORT_INT8] : [])];
    console.log(`\n${header}; ${peakText}\n`);
    const names = { [TFJS]: 'tfjs-wasm (XNNPACK)', [ORT]: 'onnxruntime-web (wasm EP)', [ORT_INT8]: 'onnxruntime-web int8' };
    console.log(`| same run, 1 thread (2 threads) | ${allPeers.map((p) => `wasm-gpt ÷ ${p}`).join(' | ')} | wasm-gpt | ${allPeers.map((p) => names[p]).join(' | ')} |`);
    console.log(`| --- | ${allPeers.map(() => '---:').join(' | ')} | ---: | ${allPeers.map(() => '---:').join(' | ')} |`);
    for (const s of summary) {
      const digits = s.metric === 'ms' ? 2 : 1;
      const ratios = allPeers.map((p) => (s.peers.includes(p) ? both((t) => ratioText(speedRatio(value(s.ours, t, s.shape, s.metric), value(p, t, s.shape, s.metric), s.metric))) : '–'));
      const absolute = [s.ours, ...allPeers].map((e) => (e === s.ours || s.peers.includes(e) ? both((t) => fmt(value(e, t, s.shape, s.metric), digits)) : '–'));
      console.log(`| ${label(s)} | ${[...ratios, ...absolute].join(' | ')} |`);
    }
    console.log('\nSpeed ratios: > 1× means wasm-gpt is faster (for ms, the peer\'s time over ours).');
  }

  results.writeJson(args.json);
  if (problems.length > 0) {
    console.error(`\npeers bench FAILED:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
}

if (args.child) {
  const [section, engine, threads] = args.child.split(':');
  await CHILDREN[section](engine, Number(threads));
  // Worker pools (tfjs, onnxruntime) would keep the process alive; exit once stdout (a pipe, written
  // asynchronously) has taken every record.
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(0);
} else {
  await main();
}
