/**
 * Checkpoints through the worker (dist/worker, Node worker_threads): files made in the worker equal the
 * in-process ones byte for byte, come back and go in by transfer, carry the trainer's state so that a model
 * loaded from them resumes bit for bit, and bad files fail with typed errors naming the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, FormatError, GPT, Trainer, decodeCheckpoint } from '../dist/index.js';
import { createWorker, type GPTWorker } from '../dist/worker/index.js';
import { CONFIG, corpus } from './helpers/corpus.js';
import { bitsEqual } from './helpers/tolerance.js';

const TRAINER = { trainData: corpus(4000), batchSize: 4, lr: 3e-3, seed: 5 };

function copyFiles(files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  return new Map([...files].map(([name, bytes]) => [name, bytes.slice()]));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

describe('checkpoints through createWorker', () => {
  let w: GPTWorker;
  beforeAll(async () => {
    w = await createWorker({ threads: 2 });
  });
  afterAll(async () => {
    await w?.terminate();
  });

  it('toCheckpoint in the worker makes the same files as in-process, byte for byte', async () => {
    const remote = await w.createModel(CONFIG, { seed: 7 });
    const local = await GPT.create(CONFIG, { seed: 7, threads: 1 });
    const got = await remote.toCheckpoint();
    const want = local.toCheckpoint();
    expect([...got.keys()].sort()).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors']);
    for (const [name, bytes] of want) expect(sameBytes(got.get(name)!, bytes), name).toBe(true);
    // And the other way: files from the worker load in-process to the same weights.
    const back = await GPT.fromCheckpoint(got, { threads: 1 });
    expect(bitsEqual(back.getParameters(), local.getParameters())).toBe(true);
    back.dispose();
    local.dispose();
    await remote.dispose();
  });

  it('save with the trainer, load (files transferred), setState: N + N steps equal 2N steps bit for bit', async () => {
    const a = await w.createModel(CONFIG, { seed: 4 });
    const ta = await a.createTrainer(TRAINER);
    const straight: number[] = [];
    await ta.train({ steps: 6, onStep: (s) => straight.push(s.loss) });

    const b = await w.createModel(CONFIG, { seed: 4 });
    const tb = await b.createTrainer(TRAINER);
    await tb.train({ steps: 3 });
    const files = await b.toCheckpoint(tb);
    expect([...files.keys()].sort()).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors', 'training_state.json', 'training_state.safetensors']);
    const meta = JSON.parse(new TextDecoder().decode(files.get('training_state.json')));
    expect(meta.meta.step).toBe(3);
    const kept = copyFiles(files);

    const { model: c, state } = await w.loadCheckpoint(files);
    for (const bytes of files.values()) expect(bytes.byteLength).toBe(0); // transferred, not copied
    expect(c.config).toEqual(b.config);
    expect(state).toBeDefined();
    expect((state!.meta as { step: number }).step).toBe(3);
    expect(state!.tensors['adamw.m']).toBeInstanceOf(Float32Array);
    expect(state!.tensors['adamw.m'].length).toBe(c.parameterCount);
    const tc = await c.createTrainer(TRAINER);
    await tc.setState(state!);
    expect((await tc.status()).stepCount).toBe(3);
    const resumed: number[] = [];
    await tc.train({ steps: 3, onStep: (s) => resumed.push(s.loss) });
    expect(resumed).toEqual(straight.slice(3));
    expect(bitsEqual(await c.getParameters(), await a.getParameters())).toBe(true);

    // The same files resume in-process too (the format is GPT.toCheckpoint's).
    const ck = decodeCheckpoint(kept);
    const local = await GPT.fromCheckpoint(ck, { threads: 2 });
    const tl = new Trainer(local, TRAINER);
    tl.setState(ck.state!);
    const inProcess: number[] = [];
    await tl.train({ steps: 3, onStep: (s) => inProcess.push(s.loss) });
    expect(inProcess).toEqual(straight.slice(3));
    local.dispose();

    // Weights only: no state comes back.
    const weightsOnly = await w.loadCheckpoint(await a.toCheckpoint());
    expect(weightsOnly.state).toBeUndefined();
    expect(bitsEqual(await weightsOnly.model.getParameters(), await a.getParameters())).toBe(true);
    for (const m of [a, b, c, weightsOnly.model]) await m.dispose();
  });

  it('a record of files works like a Map; arrays that are windows or share a buffer are copied, not detached', async () => {
    const m = await w.createModel(CONFIG, { seed: 2 });
    const files = await m.toCheckpoint();
    const config = files.get('config.json')!;
    const model = files.get('model.safetensors')!;
    // Both files as windows of one buffer.
    const joined = new Uint8Array(config.length + model.length);
    joined.set(config);
    joined.set(model, config.length);
    const record = { 'config.json': joined.subarray(0, config.length), 'model.safetensors': joined.subarray(config.length) };
    const { model: loaded } = await w.loadCheckpoint(record);
    expect(joined.byteLength).toBe(config.length + model.length);
    expect(bitsEqual(await loaded.getParameters(), await m.getParameters())).toBe(true);
    await loaded.dispose();
    await m.dispose();
  });

  it('bad files fail with typed errors naming the file; a trainer of another model is refused', async () => {
    const m = await w.createModel(CONFIG, { seed: 3 });
    const files = await m.toCheckpoint();

    const noWeights = new Map([['config.json', files.get('config.json')!.slice()]]);
    await expect(w.loadCheckpoint(noWeights)).rejects.toThrow(FormatError);
    await expect(w.loadCheckpoint(new Map([['config.json', files.get('config.json')!.slice()]]))).rejects.toThrow(/model\.safetensors: missing/);

    const truncated = new Map([['config.json', files.get('config.json')!.slice()], ['model.safetensors', files.get('model.safetensors')!.slice(0, 100)]]);
    await expect(w.loadCheckpoint(truncated)).rejects.toThrow(/model\.safetensors/);

    const config = files.get('config.json')!.slice();
    await expect(w.loadCheckpoint({ 'config.json': config, 'model.safetensors': [1, 2, 3] } as never)).rejects.toThrow(
      /file "model\.safetensors" must be a Uint8Array/,
    );
    expect(config.byteLength).toBeGreaterThan(0); // checked before anything was sent
    await expect(w.loadCheckpoint(null as never)).rejects.toBeInstanceOf(FormatError);
    await expect(w.loadCheckpoint(files, { threads: 1 } as never)).rejects.toMatchObject({ name: 'ConfigError', key: 'threads' });

    const other = await w.createModel(CONFIG, { seed: 3 });
    const foreign = await other.createTrainer(TRAINER);
    const err = await m.toCheckpoint(foreign).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ key: 'trainer' });
    await other.dispose();
    await m.dispose();
    await expect(m.toCheckpoint()).rejects.toThrow(/disposed/);
  });
});
