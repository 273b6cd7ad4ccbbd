/**
 * GPT and Trainer in a Node worker_threads worker (dist/worker, comlink): results bitwise equal to the same
 * calls in-process, progress streamed back in order, abort, transfers, typed errors, and every way the worker
 * can die (uncaught exception, exit, out of memory, terminate) rejecting what is pending instead of hanging.
 * Imports dist/: the worker runs the built files, so the main side does too.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, GPT, ShapeError, Trainer, WorkerError } from '../dist/index.js';
import { createWorker, type GPTWorker, type RemoteGPT } from '../dist/worker/index.js';
import { CONFIG, corpus } from './helpers/corpus.js';
import { bitsEqual } from './helpers/tolerance.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CRASH_WORKER = new URL('./helpers/crash-worker.mjs', import.meta.url);

const trainData = corpus(4000);
const valData = corpus(1000, 3);
const TRAINER = { trainData, valData, batchSize: 4, lr: 3e-3, evalInterval: 3, evalBatches: 2, seed: 5 };
const tokens = Array.from({ length: 2 * 16 }, (_, i) => (i * 7 + 3) % 32);

function threadCount(): number {
  return Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

describe('createWorker in Node', () => {
  let w: GPTWorker;
  let model: RemoteGPT;
  let local: GPT;
  beforeAll(async () => {
    w = await createWorker({ threads: 2 });
    model = await w.createModel(CONFIG, { seed: 1 });
    local = await GPT.create(CONFIG, { seed: 1, threads: 2 });
  });
  afterAll(async () => {
    await w?.terminate();
    local?.dispose();
  });

  it('loads the threads build inside the worker, its pool nested there', () => {
    expect(w.capabilities.artifact).toBe('threads-simd');
    expect(w.capabilities.threadCount).toBe(2);
    expect(model.backend).toBe('wasm');
    expect(model.parameterCount).toBe(local.parameterCount);
    expect(model.config).toEqual(local.config);
  });

  it('forward and loss equal the in-process model bit for bit', async () => {
    const got = await model.forward(tokens, 2, 16);
    const want = local.forward(tokens, 2, 16);
    expect(got.length).toBe(2 * 16 * 32);
    expect(bitsEqual(got, want)).toBe(true);
    const targets = tokens.map((t) => (t + 1) % 32);
    expect(await model.loss(tokens, targets, 2, 16)).toBe(local.loss(tokens, targets, 2, 16));
    expect(bitsEqual(await model.getParameters(), local.getParameters())).toBe(true);
  });

  it('trains with step and eval events streamed back in order, the same losses as in-process', async () => {
    const m = await w.createModel(CONFIG, { seed: 2 });
    const g = await GPT.create(CONFIG, { seed: 2, threads: 2 });
    const trainer = await m.createTrainer(TRAINER);
    expect([trainer.batchSize, trainer.blockSize, trainer.gradAccumSteps]).toEqual([4, 16, 1]);
    const events: string[] = [];
    const losses: number[] = [];
    const summary = await trainer.train({
      steps: 6,
      onStep: (s) => {
        events.push(`step ${s.step}`);
        losses.push(s.loss);
        expect(s.tokensPerSec).toBeGreaterThan(0);
      },
      onEval: (e) => events.push(`eval ${e.step}`),
    });
    // Every callback ran before train() resolved, in order.
    expect(events).toEqual(['step 1', 'step 2', 'step 3', 'eval 3', 'step 4', 'step 5', 'step 6', 'eval 6']);
    expect(summary.steps).toBe(6);
    expect(summary.aborted).toBe(false);
    expect(summary.lastLoss).toBe(losses[5]);
    const ref = new Trainer(g, TRAINER);
    const want: number[] = [];
    await ref.train({ steps: 6, onStep: (s) => want.push(s.loss) });
    expect(losses).toEqual(want);
    expect(losses[5]).toBeLessThan(losses[0]);
    expect(await trainer.status()).toEqual({ stepCount: 6, currentLr: 3e-3 });
    expect(bitsEqual(await m.getParameters(), g.getParameters())).toBe(true);

    // run(): the same stream as an async iterator, continuing where train() stopped.
    const seen: string[] = [];
    for await (const ev of trainer.run({ steps: 3 })) seen.push(`${ev.type} ${ev.step}`);
    expect(seen).toEqual(['step 7', 'step 8', 'step 9', 'eval 9']);
    const { step, loss } = await trainer.step();
    expect(step).toBe(10);
    expect(Number.isFinite(loss)).toBe(true);
    const ev = await trainer.evaluate(2);
    expect(ev.perplexity).toBeCloseTo(Math.exp(ev.valLoss), 10);
    await trainer.dispose();
    await m.dispose();
    g.dispose();
  });

  it('an AbortSignal on the main side stops training between steps', async () => {
    const m = await w.createModel(CONFIG, { seed: 3 });
    const trainer = await m.createTrainer(TRAINER);
    const ac = new AbortController();
    let seen = 0;
    const summary = await trainer.train({
      steps: 10_000,
      signal: ac.signal,
      onStep: (s) => {
        seen = s.step;
        if (s.step === 2) ac.abort();
      },
    });
    expect(summary.aborted).toBe(true);
    expect(summary.steps).toBeGreaterThanOrEqual(2);
    expect(summary.steps).toBeLessThan(50);
    expect(seen).toBe(summary.steps);
    expect((await trainer.status()).stepCount).toBe(summary.steps);

    const already = await trainer.train({ steps: 5, signal: ac.signal });
    expect(already).toMatchObject({ steps: 0, aborted: true });

    // Leaving run() early stops the worker's loop too.
    let n = 0;
    for await (const ev of trainer.run({ steps: 10_000 })) if (ev.type === 'step' && ++n === 3) break;
    const after = (await trainer.status()).stepCount;
    expect(after - summary.steps).toBeGreaterThanOrEqual(3);
    expect(after - summary.steps).toBeLessThan(50);
    await m.dispose();
  });

  it('parameters and trainer state cross by transfer: the sent buffers are detached', async () => {
    const m = await w.createModel(CONFIG, { seed: 4 });
    const params = await m.getParameters();
    expect(params).toBeInstanceOf(Float32Array);
    expect(params.length).toBe(m.parameterCount);
    const keep = params.slice();
    params[0] += 1;
    await m.setParameters(params);
    expect(params.byteLength).toBe(0); // transferred, not copied
    const back = await m.getParameters();
    expect(back[0]).toBe(Math.fround(keep[0] + 1));
    expect(bitsEqual(back.subarray(1), keep.subarray(1))).toBe(true);

    // A window of a larger buffer is copied (transferring would detach the rest).
    const big = new Float32Array(m.parameterCount + 8);
    await m.setParameters(big.subarray(8));
    expect(big.byteLength).toBe((m.parameterCount + 8) * 4);

    // Checked before anything is sent, so a wrong length detaches nothing.
    const short = new Float32Array(5);
    await expect(m.setParameters(short)).rejects.toThrow(ShapeError);
    expect(short.byteLength).toBe(20);

    // Exact resume through the worker: 3 steps, state out, a new model + trainer from it, 3 more steps,
    // equals 6 steps in one run.
    const a = await w.createModel(CONFIG, { seed: 4 });
    const ta = await a.createTrainer(TRAINER);
    const straight: number[] = [];
    await ta.train({ steps: 6, onStep: (s) => straight.push(s.loss) });
    const b = await w.createModel(CONFIG, { seed: 4 });
    const tb = await b.createTrainer(TRAINER);
    await tb.train({ steps: 3 });
    const state = await tb.getState();
    const weights = await b.getParameters();
    const moment = state.tensors['adamw.m'];
    const c = await w.modelFromParameters(CONFIG, weights);
    expect(weights.byteLength).toBe(0);
    const tc = await c.createTrainer(TRAINER);
    await tc.setState(state);
    expect(moment.byteLength).toBe(0);
    const resumed: number[] = [];
    await tc.train({ steps: 3, onStep: (s) => resumed.push(s.loss) });
    expect(resumed).toEqual(straight.slice(3));
    expect(bitsEqual(await c.getParameters(), await a.getParameters())).toBe(true);
    for (const x of [m, a, b, c]) await x.dispose();
  });

  it('errors keep their class and details across the worker boundary', async () => {
    const bad = w.createModel({ ...CONFIG, nHead: 3 }, {});
    await expect(bad).rejects.toBeInstanceOf(ConfigError);
    await expect(bad).rejects.toMatchObject({ key: 'nHead' });
    await expect(w.createModel(CONFIG, { threads: 2 } as never)).rejects.toMatchObject({ name: 'ConfigError', key: 'threads' });
    await expect(model.createTrainer({ ...TRAINER, batchSize: 0 })).rejects.toMatchObject({ name: 'ConfigError', key: 'batchSize' });
    await expect(model.forward(tokens, 2, 17)).rejects.toBeInstanceOf(ShapeError);
    await expect(model.forward([99], 1, 1)).rejects.toThrow(/tokens\[0\] = 99 is not a token id/);
    await expect(createWorker({ thread: 2 } as never)).rejects.toMatchObject({ key: 'thread' });
    // The model is still usable after failed calls.
    expect((await model.forward(tokens.slice(0, 16), 1, 16)).length).toBe(16 * 32);
  });
});

describe('a dying worker rejects what is pending', () => {
  async function trainUntilKilled(kill: (worker: Worker) => void, resourceLimits?: { maxOldGenerationSizeMb: number }) {
    const worker = new Worker(CRASH_WORKER, { execArgv: [], resourceLimits });
    const w = await createWorker({ threads: 2, worker });
    const m = await w.createModel(CONFIG, { seed: 1 });
    const trainer = await m.createTrainer(TRAINER);
    let steps = 0;
    const pending = trainer.train({
      steps: 1_000_000,
      onStep: () => {
        if (++steps === 2) kill(worker);
      },
    });
    const err = await pending.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerError);
    // Later calls reject at once with the same error; terminate() after death is harmless.
    await expect(m.forward(tokens, 1, 16)).rejects.toBe(err);
    await expect(w.createModel(CONFIG)).rejects.toBe(err);
    expect(w.error).toBe(err);
    await w.terminate();
    return err as WorkerError;
  }

  it('a worker script that cannot load: createWorker rejects with a WorkerError', async () => {
    const err = await createWorker({ url: new URL('./no-such-worker.mjs', import.meta.url) }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerError);
    expect((err as Error).message).toMatch(/crashed: .*no-such-worker\.mjs/);
  });

  it('an uncaught exception: WorkerError carrying the worker\'s error', async () => {
    const err = await trainUntilKilled((wk) => wk.postMessage({ crashTest: 'throw' }));
    expect(err.message).toMatch(/crashed: boom from inside the worker/);
    expect((err.cause as Error).message).toBe('boom from inside the worker');
  });

  it('process.exit in the worker: WorkerError naming the exit code', async () => {
    const err = await trainUntilKilled((wk) => wk.postMessage({ crashTest: 'exit' }));
    expect(err.message).toMatch(/exited with code 7/);
  });

  it('out of memory: WorkerError with Node\'s ERR_WORKER_OUT_OF_MEMORY as the cause', async () => {
    const err = await trainUntilKilled((wk) => wk.postMessage({ crashTest: 'oom' }), { maxOldGenerationSizeMb: 48 });
    expect((err.cause as { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
  });

  it('terminate() rejects pending calls and ends the worker with its thread pool', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const before = threadCount();
    const w = await createWorker({ threads: 2 });
    const during = threadCount();
    // The worker, plus its pool's two threads (each Node worker also brings a few V8/libuv threads).
    expect(during).toBeGreaterThanOrEqual(before + 3);
    const m = await w.createModel(CONFIG);
    const trainer = await m.createTrainer(TRAINER);
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const pending = trainer.train({ steps: 1_000_000, onStep: () => started() });
    const outcome = pending.then(() => undefined, (e: unknown) => e);
    await running;
    await w.terminate();
    const err = await outcome;
    expect(err).toBeInstanceOf(WorkerError);
    expect((err as Error).message).toBe('wasm-gpt worker was terminated');
    expect(await until(() => threadCount() <= before, 5000)).toBe(true);
  });
});

describe('a Node script using a worker', () => {
  it('exits by itself without terminate() (the worker is ref\'d only while a call is pending)', () => {
    const file = `${root}worker-exit.${process.pid}.tmp.mjs`;
    writeFileSync(file, `
      import { createWorker } from './dist/worker/index.js';
      const w = await createWorker({ threads: 2 });
      const m = await w.createModel({ vocabSize: 32, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16 });
      const t = await m.createTrainer({ trainData: new Uint16Array(200).map((_, i) => i % 32), batchSize: 2 });
      let n = 0;
      await t.train({ steps: 3, onStep: () => n++ });
      console.log('steps', n, (await m.forward([1, 2, 3], 1, 3)).length);
    `);
    try {
      const res = spawnSync(process.execPath, [file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(res.stderr).toBe('');
      expect(res.stdout.trim()).toBe('steps 3 96');
      expect(res.status).toBe(0);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
