// Calibration against TensorFlow.js: the tiny GPT (L=4, H=4, C=128, V=256, T=128, B=16; pre-norm, GELU,
// learned positions, tied head) written with tfjs ops, gradients from `tf.variableGrads`, Adam, trained on
// tfjs-backend-wasm (and tfjs-backend-cpu with --cpu), interleaved in the same process with wasm-gpt's
// one-thread training step on the same config. The ratio tells how this machine compares with the one the
// issue's reference numbers (~350 tokens/s for tfjs-wasm) were measured on.
//
// tfjs is not a dependency of wasm-gpt: install it anywhere outside the repository and point TFJS_DIR at it,
//   mkdir -p /tmp/tfjs-bench && cd /tmp/tfjs-bench && npm init -y &&
//   npm install @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-backend-cpu @tensorflow/tfjs
// (the union package `@tensorflow/tfjs` is what registers the gradients and the chained tensor methods in
// Node's CommonJS build; tfjs keeps its engine and registries global, so the wasm backend joins the same one)
//   TFJS_DIR=/tmp/tfjs-bench node bench/tfjs-reference.mjs [--quick] [--cpu] [--json FILE]
// (TFJS_DIR defaults to /tmp/tfjs-bench). Without it the benchmark prints why and exits 0, so `npm run bench`
// and CI are unaffected.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { initWasm } from '../dist/index.js';
import { createWasmKernels } from '../dist/kernels/index.js';
import { GPTEngine } from '../dist/model/engine.js';
import { Results, fmt, printTable } from './lib.mjs';

const argv = process.argv.slice(2);
const withCpu = argv.includes('--cpu');
const quick = argv.includes('--quick');
const jsonAt = argv.indexOf('--json');
const jsonFile = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;

const tfjsDir = process.env.TFJS_DIR ?? '/tmp/tfjs-bench';
const manifest = join(tfjsDir, 'package.json');
let tf;
try {
  if (!existsSync(manifest)) throw new Error(`${manifest} does not exist`);
  const require = createRequire(manifest);
  tf = require('@tensorflow/tfjs');
  require('@tensorflow/tfjs-backend-wasm');
} catch (err) {
  console.log(`tfjs-reference: skipped, TensorFlow.js not found under TFJS_DIR=${tfjsDir} (${err.message.split('\n')[0]}).`);
  console.log('  Install it outside the repository (see the header of bench/tfjs-reference.mjs) to run this calibration.');
  process.exit(0);
}

const CFG = { V: 256, C: 128, L: 4, H: 4, T: 128 };
const B = 16;

/** The tiny GPT in tfjs ops. Returns {step(), dispose()}; step() runs forward, backward and Adam once. */
function tfjsGpt(batch) {
  const { V, C, L, H, T } = CFG;
  const hs = C / H;
  let seed = 1;
  const normal = (shape, std) => tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed++));
  const fill = (shape, x) => tf.variable(tf.fill(shape, x));
  const wte = normal([V, C], 0.02);
  const wpe = normal([T, C], 0.01);
  const layers = Array.from({ length: L }, () => ({
    ln1g: fill([C], 1), ln1b: fill([C], 0),
    wqkv: normal([C, 3 * C], 0.02), bqkv: fill([3 * C], 0),
    wproj: normal([C, C], 0.02 / Math.sqrt(2 * L)), bproj: fill([C], 0),
    ln2g: fill([C], 1), ln2b: fill([C], 0),
    wfc: normal([C, 4 * C], 0.02), bfc: fill([4 * C], 0),
    wfcp: normal([4 * C, C], 0.02 / Math.sqrt(2 * L)), bfcp: fill([C], 0),
  }));
  const lnfg = fill([C], 1);
  const lnfb = fill([C], 0);
  const causal = tf.tidy(() => tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)).mul(-1e9));
  const layerNorm = (x, g, b) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return x.sub(mean).mul(tf.rsqrt(variance.add(1e-5))).mul(g).add(b);
  };
  const gelu = (x) => x.mul(0.5).mul(tf.tanh(x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1));
  const optimizer = tf.train.adam(1e-3, 0.9, 0.95, 1e-8);
  let s = 7;
  const ids = () => Int32Array.from({ length: batch * T }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) % V);

  const loss = (idx, targets) => {
    // The lookup as a one-hot product: tfjs-backend-wasm has no UnsortedSegmentSum, which gather's gradient needs.
    let x = tf.oneHot(idx, V).toFloat().matMul(wte).reshape([batch, T, C]).add(wpe);
    for (const p of layers) {
      const h = layerNorm(x, p.ln1g, p.ln1b).reshape([batch * T, C]);
      const qkv = h.matMul(p.wqkv).add(p.bqkv).reshape([batch, T, 3, H, hs]).transpose([2, 0, 3, 1, 4]);
      const [q, k, v] = tf.unstack(qkv);
      const att = tf.softmax(tf.matMul(q, k, false, true).mul(1 / Math.sqrt(hs)).add(causal));
      const y = tf.matMul(att, v).transpose([0, 2, 1, 3]).reshape([batch * T, C]);
      x = x.add(y.matMul(p.wproj).add(p.bproj).reshape([batch, T, C]));
      const h2 = layerNorm(x, p.ln2g, p.ln2b).reshape([batch * T, C]);
      x = x.add(gelu(h2.matMul(p.wfc).add(p.bfc)).matMul(p.wfcp).add(p.bfcp).reshape([batch, T, C]));
    }
    const logits = layerNorm(x, lnfg, lnfb).reshape([batch * T, C]).matMul(wte, false, true);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, V), logits);
  };

  return {
    step() {
      const x = ids();
      const targets = Int32Array.from({ length: x.length }, (_, i) => x[(i + 1) % x.length]);
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => loss(tf.tensor1d(x, 'int32'), tf.tensor1d(targets, 'int32')));
        optimizer.applyGradients(grads);
        value.dataSync(); // wait for the step (the wasm and cpu backends are synchronous; this reads the loss)
      });
    },
    dispose() {
      tf.dispose([wte, wpe, lnfg, lnfb, causal, ...layers.flatMap((p) => Object.values(p))]);
      optimizer.dispose();
    },
  };
}

/** wasm-gpt's one-thread training step on the same config (as in train-step.mjs). */
async function wasmGpt() {
  const core = await initWasm({ artifact: 'simd' });
  const dims = { activation: 'gelu', norm: 'pre', positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0,
    layerNormEps: 1e-5, vocabSize: CFG.V, blockSize: CFG.T, nLayer: CFG.L, nHead: CFG.H, nEmbd: CFG.C };
  const e = new GPTEngine(createWasmKernels(core), dims, B, CFG.T);
  e.initGpt2(1);
  const hyper = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };
  let s = 1;
  let t = 0;
  const ids = () => Array.from({ length: B * CFG.T }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) % CFG.V);
  return {
    step() {
      const x = ids();
      t++;
      e.zeroGrad();
      e.forward(x, x.slice(1).concat([x[0]]), true, t);
      e.backward();
      e.clipGradients(1);
      e.update(hyper, t);
    },
    async dispose() {
      e.free();
      await core.terminate();
    },
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const timeMs = (fn) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

const rounds = quick ? 2 : 4;
const ours = await wasmGpt();
const backends = [['tfjs-wasm', 'wasm', B], ...(withCpu ? [['tfjs-cpu', 'cpu', 2]] : [])];
const rows = [];
const results = new Results();
for (const [name, backend, batch] of backends) {
  await tf.setBackend(backend);
  await tf.ready();
  const threads = backend === 'wasm' ? (await import(createRequire(manifest).resolve('@tensorflow/tfjs-backend-wasm'))).getThreadsCount?.() : 1;
  const theirs = tfjsGpt(batch);
  theirs.step(); // warm-up: kernel setup, first allocation
  ours.step();
  // Alternate one step of theirs (seconds) with a few of ours (tens of ms each), so slow phases hit both alike.
  const tTheirs = [];
  const tOurs = [];
  for (let r = 0; r < (backend === 'cpu' ? Math.min(rounds, 2) : rounds); r++) {
    tTheirs.push(timeMs(() => theirs.step()));
    for (let i = 0; i < 3; i++) tOurs.push(timeMs(() => ours.step()));
  }
  theirs.dispose();
  const theirTok = (batch * CFG.T * 1000) / median(tTheirs);
  const ourTok = (B * CFG.T * 1000) / median(tOurs);
  results.add('tfjs-reference', name, threads ?? 1, 'tiny', 'tokens/s', theirTok);
  results.add('tfjs-reference', 'wasm-1t', 1, `tiny (interleaved with ${name})`, 'tokens/s', ourTok);
  rows.push([name, String(threads ?? 1), String(batch), fmt(theirTok, 0), fmt(ourTok, 0), fmt(ourTok / theirTok, 1)]);
}
await ours.dispose();
console.log(`tiny GPT (L=${CFG.L} H=${CFG.H} C=${CFG.C} V=${CFG.V} T=${CFG.T}), tfjs ${tf.version_core}, training tokens/s (median step)`);
printTable(['tfjs backend', 'tfjs threads', 'tfjs B', 'tfjs tok/s', 'wasm-gpt 1t tok/s (B=16)', 'wasm-gpt / tfjs'], rows);
results.writeJson(jsonFile);
