import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirname } from 'node:path';
import { ConfigError, GPT, NonFiniteError, Trainer, initWasm, type WasmCore } from '../src/index.js';
import { CONFIG, corpus } from './helpers/corpus.js';
import { bitsEqual } from './helpers/tolerance.js';

const train = corpus(4000);
const val = corpus(1000, 3);

let core: WasmCore;
beforeAll(async () => {
  core = await initWasm({ threads: 2 });
});
afterAll(() => core.terminate());

const backends = [
  ['wasm', () => ({ core })],
  ['js', () => ({ backend: 'js' as const })],
] as const;

describe.each(backends)('Trainer on %s', (_name, opts) => {
  it('lowers the training and validation loss', async () => {
    const gpt = await GPT.create(CONFIG, { ...opts(), seed: 1 });
    const trainer = new Trainer(gpt, { trainData: train, valData: val, batchSize: 4, lr: 3e-3, evalInterval: 40, evalBatches: 4 });
    const first = trainer.evaluate();
    expect(first.valLoss).toBeCloseTo(Math.log(32), 0);
    const evals: number[] = [];
    const summary = await trainer.train({ steps: 80, onEval: (e) => evals.push(e.valLoss) });
    expect(summary.steps).toBe(80);
    expect(evals.length).toBe(2);
    expect(evals[1]).toBeLessThan(first.valLoss - 1);
    expect(summary.lastLoss).toBeLessThan(first.valLoss - 1);
    gpt.dispose();
  });

  it('resumes exactly: N + state + N steps equal 2N steps bit for bit (with dropout)', async () => {
    const cfg = { ...CONFIG, dropout: 0.1 };
    const options = { trainData: train, batchSize: 3, blockSize: 12, lr: { kind: 'cosine', lr: 2e-3, totalSteps: 8, warmupSteps: 2 } as const, seed: 9 };
    const whole = await GPT.create(cfg, { ...opts(), seed: 5 });
    const t1 = new Trainer(whole, options);
    const lossesWhole: number[] = [];
    for (let i = 0; i < 8; i++) lossesWhole.push(t1.step().loss);

    const first = await GPT.create(cfg, { ...opts(), seed: 5 });
    const t2 = new Trainer(first, options);
    const lossesSplit: number[] = [];
    for (let i = 0; i < 4; i++) lossesSplit.push(t2.step().loss);
    const weights = first.getParameters();
    const state = JSON.parse(JSON.stringify(t2.getState().meta));
    const tensors = t2.getState().tensors;
    first.dispose();

    const second = await GPT.fromParameters(cfg, weights, opts());
    const t3 = new Trainer(second, options);
    t3.setState({ meta: state, tensors });
    expect(t3.stepCount).toBe(4);
    for (let i = 0; i < 4; i++) lossesSplit.push(t3.step().loss);
    expect(lossesSplit).toEqual(lossesWhole);
    expect(bitsEqual(second.getParameters(), whole.getParameters())).toBe(true);
  });

  it('gradient accumulation: 2 micro-batches of 4 rows ≈ one batch of 8', async () => {
    const a = await GPT.create(CONFIG, { ...opts(), seed: 2 });
    const b = await GPT.create(CONFIG, { ...opts(), seed: 2 });
    const la = new Trainer(a, { trainData: train, batchSize: 4, gradAccumSteps: 2, lr: 1e-2 }).step();
    const lb = new Trainer(b, { trainData: train, batchSize: 8, lr: 1e-2 }).step();
    expect(la.loss).toBeCloseTo(lb.loss, 5);
    expect(la.gradNorm).toBeCloseTo(lb.gradNorm, 4);
    const pa = a.getParameters();
    const pb = b.getParameters();
    let worst = 0;
    for (let i = 0; i < pa.length; i++) worst = Math.max(worst, Math.abs(pa[i] - pb[i]));
    // AdamW's first step is lr·g/(|g| + eps): elements whose gradient is ~eps amplify summation-order
    // differences, so the bound is relative to lr, not to float32 rounding.
    expect(worst).toBeLessThan(1e-2 * 1e-2);
    const p0 = (await GPT.create(CONFIG, { ...opts(), seed: 2 })).getParameters();
    let moved = 0;
    for (let i = 0; i < pa.length; i++) moved = Math.max(moved, Math.abs(pa[i] - p0[i]));
    expect(moved).toBeGreaterThan(1e-3); // the step did something
  });

  it('a non-finite loss is not applied: throws naming the step, or skips', async () => {
    const gpt = await GPT.create(CONFIG, { ...opts(), seed: 3 });
    const trainer = new Trainer(gpt, { trainData: train, batchSize: 2 });
    trainer.step();
    const p = gpt.getParameters();
    p[gpt.layout.tensors.get('ln1w')!.offset] = NaN;
    gpt.setParameters(p);
    const before = new Uint8Array(gpt.getParameters().buffer.slice(0));
    let err: unknown;
    try {
      trainer.step();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NonFiniteError);
    expect((err as NonFiniteError).step).toBe(2);
    expect((err as Error).message).toMatch(/step 2 produced a non-finite loss/);
    expect(new Uint8Array(gpt.getParameters().buffer)).toEqual(before);

    const skipping = new Trainer(gpt, { trainData: train, batchSize: 2, onNonFinite: 'skip' });
    const info = skipping.step();
    expect(info.skipped).toBe(true);
    expect(new Uint8Array(gpt.getParameters().buffer)).toEqual(before);
  });
});

describe('Trainer options and control', () => {
  it('names bad options', async () => {
    const gpt = await GPT.create(CONFIG, { backend: 'js' });
    const key = (o: object) => {
      try {
        new Trainer(gpt, { trainData: train, batchSize: 2, ...o });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).key;
      }
      return 'none';
    };
    expect(key({ batchsize: 2 })).toBe('batchsize');
    expect(key({ batchSize: 0 })).toBe('batchSize');
    expect(key({ blockSize: 17 })).toBe('blockSize');
    expect(key({ betas: [0.9, 1] })).toBe('betas');
    expect(key({ gradClip: 0 })).toBe('gradClip');
    expect(key({ decay: 'none' })).toBe('decay');
    expect(key({ trainData: [1, 2, 3] })).toBe('trainData');
    expect(key({ lr: { kind: 'cosine', lr: 1 } })).toBe('lr.totalSteps');
    expect(key({ lr: '' })).toBe('lr');
    expect(() => new Trainer(gpt, { trainData: new Uint16Array([1, 2, 40, 3]), batchSize: 1, blockSize: 2 })).toThrow(/trainData\[2\] = 40 is not a token id in \[0, 32\)/);
    expect(() => new Trainer(gpt, { trainData: train, batchSize: 1 }).evaluate()).toThrow(/needs the valData option/);
  });

  it('streams step events with lr, gradNorm and throughput, and stops on abort', async () => {
    const gpt = await GPT.create(CONFIG, { backend: 'js' });
    const trainer = new Trainer(gpt, { trainData: train, batchSize: 2, lr: { kind: 'linear', lr: 1e-3, totalSteps: 10 } });
    const controller = new AbortController();
    const seen: number[] = [];
    for await (const ev of trainer.run({ steps: 10, signal: controller.signal })) {
      if (ev.type !== 'step') continue;
      seen.push(ev.step);
      expect(ev.lr).toBeCloseTo(1e-3 * (1 - (ev.step - 1) / 10), 12);
      expect(ev.gradNorm).toBeGreaterThan(0);
      expect(ev.tokensPerSec).toBeGreaterThan(0);
      if (ev.step === 3) controller.abort();
    }
    expect(seen).toEqual([1, 2, 3]);
    const summary = await trainer.train({ steps: 5, signal: controller.signal });
    expect(summary).toMatchObject({ steps: 0, aborted: true });
  });

  it('weight decay leaves biases, LayerNorm and embeddings alone unless asked', async () => {
    const zeroGradStep = async (decay?: 'matrices' | 'all') => {
      const gpt = await GPT.create(CONFIG, { backend: 'js', seed: 4 });
      const p0 = gpt.getParameters();
      // lr tiny, decay huge: decay dominates the change of any decayed tensor
      new Trainer(gpt, { trainData: train, batchSize: 2, lr: 1e-6, weightDecay: 1e4, decay }).step();
      const p1 = gpt.getParameters();
      const ratio = (name: string) => {
        const t = gpt.layout.tensors.get(name)!;
        let s0 = 0;
        let s1 = 0;
        for (let i = t.offset; i < t.offset + t.size; i++) {
          s0 += p0[i] * p0[i];
          s1 += p1[i] * p1[i];
        }
        return Math.sqrt(s1 / s0);
      };
      return { qkvw: ratio('qkvw'), wte: ratio('wte'), ln1w: ratio('ln1w') };
    };
    const matrices = await zeroGradStep();
    expect(matrices.qkvw).toBeCloseTo(0.99, 3);
    expect(matrices.wte).toBeGreaterThan(0.999);
    expect(matrices.ln1w).toBeGreaterThan(0.999);
    const all = await zeroGradStep('all');
    expect(all.wte).toBeCloseTo(0.99, 3);
    expect(all.ln1w).toBeCloseTo(0.99, 3);
  });
});

describe('GPT', () => {
  it('forward gives the same logits on wasm and js, and loss matches the logits', async () => {
    const w = await GPT.create(CONFIG, { core, seed: 11 });
    const j = await GPT.create(CONFIG, { backend: 'js', seed: 11 });
    expect(bitsEqual(w.getParameters(), j.getParameters())).toBe(true);
    const tokens = Array.from({ length: 2 * 6 }, (_, i) => (i * 5) % 32);
    const lw = w.forward(tokens, 2, 6);
    const lj = j.forward(tokens, 2, 6);
    expect(lw.length).toBe(2 * 6 * 32);
    let worst = 0;
    for (let i = 0; i < lw.length; i++) worst = Math.max(worst, Math.abs(lw[i] - lj[i]));
    expect(worst).toBeLessThan(1e-5);
    // loss from the logits, in float64
    const targets = tokens.map((t) => (t + 1) % 32);
    let sum = 0;
    for (let r = 0; r < 12; r++) {
      const row = lw.subarray(r * 32, r * 32 + 32);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      sum += lse - row[targets[r]];
    }
    expect(w.loss(tokens, targets, 2, 6)).toBeCloseTo(sum / 12, 5);
    expect(() => w.forward(tokens, 2, 5)).toThrow(/expected B·T = 2·5 = 10 token ids, got 12/);
    expect(() => w.forward(tokens, 1, 12)).not.toThrow();
    expect(() => w.forward([...tokens.slice(0, 11), 32], 2, 6)).toThrow(/tokens\[11\] = 32 is not a token id/);
    expect(() => w.forward(new Array(17).fill(0), 1, 17)).toThrow(/T must be an integer in \[1, blockSize = 16\]/);
    w.dispose();
    expect(() => w.forward(tokens, 2, 6)).toThrow(/disposed/);
  });

  it('rows only see their own past (causality through the public API)', async () => {
    const gpt = await GPT.create(CONFIG, { core, seed: 12 });
    const a = gpt.forward([1, 2, 3, 4, 5, 6], 1, 6);
    const b = gpt.forward([1, 2, 3, 9, 9, 9], 1, 6);
    expect(bitsEqual(a.subarray(0, 3 * 32), b.subarray(0, 3 * 32))).toBe(true);
    expect(bitsEqual(a.subarray(3 * 32, 4 * 32), b.subarray(3 * 32, 4 * 32))).toBe(false);
  });
});

describe('checkpoint convenience API', () => {
  it('toCheckpoint/fromCheckpoint and saveCheckpoint/loadCheckpoint resume exactly', async () => {
    const { saveCheckpoint, loadCheckpoint } = await import('../src/checkpoint/node.js');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const options = { trainData: train, batchSize: 2, blockSize: 8, lr: 2e-3, seed: 4 };
    const whole = await GPT.create(CONFIG, { core, seed: 8 });
    const tw = new Trainer(whole, options);
    const want = [0, 1, 2, 3, 4, 5].map(() => tw.step().loss);

    const a = await GPT.create(CONFIG, { core, seed: 8 });
    const ta = new Trainer(a, options);
    const got = [0, 1, 2].map(() => ta.step().loss);
    const bytes = a.toCheckpoint(ta);
    expect([...bytes.keys()].sort()).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors', 'training_state.json', 'training_state.safetensors']);
    const dir = join(mkdtempSync(join(tmpdir(), 'wgpt-')), 'ckpt');
    try {
      await saveCheckpoint(dir, a, ta);
      const { model, state } = await loadCheckpoint(dir, { backend: 'js' });
      expect(model.backend).toBe('js');
      expect(bitsEqual(model.getParameters(), a.getParameters())).toBe(true);
      const fromBytes = await GPT.fromCheckpoint(bytes, { core });
      const tb = new Trainer(fromBytes, options);
      tb.setState(state!);
      got.push(...[0, 1, 2].map(() => tb.step().loss));
      expect(got).toEqual(want);
      expect(bitsEqual(fromBytes.getParameters(), whole.getParameters())).toBe(true);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  });
});
