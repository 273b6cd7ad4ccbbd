// q8 weights (`gpt.quantize('q8')`) against the float32 model they came from, in one process:
//   trained   validation loss of a trained checkpoint (default: what `npm start` writes to out/demo) in float32
//             and q8, and a greedy continuation of one prompt from each
//   random    GPT-2 124M with random weights: the prefill's logits (max and mean |Δ|), memory, and prefill /
//             decode tokens/s of a 128-token prompt + 64 tokens, float32 and q8 interleaved, 1 and 2 threads
// Usage: node bench/q8.mjs [--quick] [--only=trained,random] [--checkpoint DIR] [--data DIR] [--json FILE]
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Results, fmt, median, parseArgs, printTable } from './lib.mjs';

const args = parseArgs(undefined, { options: ['checkpoint', 'data'] });
const sections = args.only ?? ['trained', 'random'];
const results = new Results();
const { GPT, InferenceSession, Sampler, initWasm } = await import('../dist/index.js');

/** Mean next-token cross-entropy over `windows` (each T + 1 ids), computed from KV-cache decode logits. */
function validationLoss(model, windows) {
  const B = windows.length;
  const T = windows[0].length - 1;
  const V = model.config.vocabSize;
  const session = new InferenceSession(model, { batch: B, maxLength: T });
  let sum = 0;
  for (let t = 0; t < T; t++) {
    const logits = session.forward(windows.map((w) => w[t]));
    for (let b = 0; b < B; b++) {
      const row = logits.subarray(b * V, (b + 1) * V);
      let max = -Infinity;
      for (const x of row) max = Math.max(max, x);
      let z = 0;
      for (const x of row) z += Math.exp(x - max);
      sum += Math.log(z) + max - row[windows[b][t + 1]];
    }
  }
  session.free();
  return sum / (B * T);
}

async function trained() {
  const dir = args.checkpoint ?? join('out', 'demo', 'checkpoint');
  const data = args.data ?? join('out', 'demo', 'data');
  if (!existsSync(dir) || !existsSync(join(data, 'val.bin'))) {
    console.log(`trained: no checkpoint at ${dir} (or no ${join(data, 'val.bin')}); run \`npm start\` first, or pass --checkpoint and --data`);
    return;
  }
  const { loadCheckpoint } = await import('../dist/checkpoint/node.js');
  const { readShardFile } = await import('../dist/data/node-shards.js');
  const { model: gpt, tokenizer } = await loadCheckpoint(dir, { threads: 1 });
  const q = gpt.quantize('q8');
  const { tokens } = await readShardFile(join(data, 'val.bin'));
  const T = gpt.config.blockSize;
  const count = Math.min(args.quick ? 16 : 64, Math.floor((tokens.length - 1) / T));
  const windows = Array.from({ length: count }, (_, i) => Array.from(tokens.subarray(i * T, i * T + T + 1)));
  const lossF = validationLoss(gpt, windows);
  const lossQ = validationLoss(q, windows);
  // Cross-check of the decode-based loss against the training engine's forward.
  const engineLoss = gpt.loss(windows.flatMap((w) => w.slice(0, T)), windows.flatMap((w) => w.slice(1)), count, T);
  const shape = `${gpt.config.nLayer}×${gpt.config.nEmbd}, ${count}×${T} validation tokens`;
  printTable(['model', 'validation loss', 'vs float32', 'weights MB'], [
    ['float32', lossF.toFixed(4), '', fmt((gpt.parameterCount * 4) / 1e6, 2)],
    ['q8', lossQ.toFixed(4), `${(((lossQ - lossF) / lossF) * 100).toFixed(2)}%`, fmt(q.byteLength / 1e6, 2)],
  ]);
  console.log(`(${shape}; the training engine's forward gives ${engineLoss.toFixed(4)} for float32)`);
  results.add('q8', 'float32', 1, shape, 'validation loss', lossF);
  results.add('q8', 'q8', 1, shape, 'validation loss', lossQ);
  const prompt = 'Call me Ishmael. ';
  for (const [name, m] of [['float32', gpt], ['q8', q]]) {
    const out = await new Sampler(m, { tokenizer }).generate({ prompt, maxNewTokens: 48, temperature: 0 });
    console.log(`greedy, ${name}: ${JSON.stringify(prompt + out.sequences[0].text)}`);
  }
  q.dispose();
  gpt.dispose();
}

const GPT2 = 'gpt2';
const PROMPT = Array.from({ length: 128 }, (_, i) => (i * 7919 + 13) % 50257);

async function random() {
  for (const threads of [1, 2]) {
    const core = await initWasm(threads === 1 ? { artifact: 'simd' } : { threads });
    const gpt = await GPT.create(GPT2, { core, seed: 1 });
    const q = gpt.quantize('q8');
    const runs = [['float32', gpt], ['q8', q]].map(([name, m]) => ({ name, m, session: new InferenceSession(m, { maxLength: 192 }), dec: [], pre: [] }));
    const rounds = args.quick ? 3 : 6;
    for (let round = 0; round < rounds; round++) {
      const logits = [];
      for (const r of runs) {
        let t0 = performance.now();
        logits.push(r.session.prefill(PROMPT).slice());
        if (round > 0) r.pre.push(performance.now() - t0);
        for (let i = 0; i < 64; i++) {
          t0 = performance.now();
          r.session.forward([(i * 31 + 5) % 50257]);
          if (round > 0) r.dec.push(performance.now() - t0);
        }
      }
      if (round === 0 && threads === 1) {
        let max = 0;
        let sum = 0;
        for (let i = 0; i < logits[0].length; i++) {
          const d = Math.abs(logits[0][i] - logits[1][i]);
          max = Math.max(max, d);
          sum += d;
        }
        let range = 0;
        for (const x of logits[0]) range = Math.max(range, Math.abs(x));
        console.log(`GPT-2 124M, random weights: prefill logits q8 vs float32 max |Δ| ${max.toExponential(2)}, mean ${(sum / logits[0].length).toExponential(2)} (float32 logits up to ${range.toFixed(2)})`);
        results.add('q8', 'q8', 1, 'GPT-2 124M random', 'max |logit difference| vs float32', max);
        results.add('q8', 'q8', 1, 'GPT-2 124M random', 'mean |logit difference| vs float32', sum / logits[0].length);
      }
    }
    const rows = runs.map((r) => {
      const [pre, dec] = [128000 / median(r.pre), 1000 / median(r.dec)];
      results.add('q8', r.name, threads, 'GPT-2 124M, 128-token prompt', 'prefill tokens/s', pre);
      results.add('q8', r.name, threads, 'GPT-2 124M, 128-token prompt', 'decode tokens/s', dec);
      return [r.name, fmt(pre, 0), fmt(dec, 1), fmt(r.name === 'q8' ? r.m.byteLength / 1e6 : (r.m.parameterCount * 4) / 1e6, 0)];
    });
    rows.push(['q8 ÷ float32', `${(median(runs[0].pre) / median(runs[1].pre)).toFixed(2)}×`, `${(median(runs[0].dec) / median(runs[1].dec)).toFixed(2)}×`,
      `${(runs[1].m.byteLength / (runs[0].m.parameterCount * 4)).toFixed(3)}×`]);
    console.log(`\n${threads} thread${threads > 1 ? 's' : ''} (${core.capabilities().artifact}):`);
    printTable(['weights', 'prefill tokens/s', 'decode tokens/s', 'weights MB'], rows);
    for (const r of runs) r.session.free();
    q.dispose();
    gpt.dispose();
    await core.terminate();
  }
}

if (sections.includes('trained')) await trained();
if (sections.includes('random')) await random();
results.writeJson(args.json);
