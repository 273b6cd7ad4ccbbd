/**
 * Exact resume through a checkpoint on disk: 8 training steps in one run equal 4 steps, a save to a checkpoint
 * directory (weights, AdamW moments, trainer meta), a load into a fresh model and trainer, and 4 more steps,
 * bit for bit (losses and final weights), with dropout on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT, Trainer, initWasm, type TrainerState, type WasmCore } from '../src/index.js';
import { loadCheckpointDir, saveCheckpointDir } from '../src/checkpoint/node.js';
import { bitsEqual } from './helpers/tolerance.js';

const CONFIG = { vocabSize: 32, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 32, dropout: 0.1 };
const data = Uint16Array.from({ length: 3000 }, (_, i) => (i * 7 + (i >> 3)) % 32);

let core: WasmCore;
beforeAll(async () => {
  core = await initWasm({ threads: 2 });
});
afterAll(() => core.terminate());

describe.each([['wasm', () => ({ core })], ['js', () => ({ backend: 'js' as const })]] as const)('resume through a checkpoint on %s', (_, opts) => {
  it('N steps + saveCheckpointDir + loadCheckpointDir + N steps = 2N steps, bit for bit', async () => {
    const options = { trainData: data, batchSize: 3, blockSize: 12, seed: 4, lr: { kind: 'cosine', lr: 3e-3, totalSteps: 8, warmupSteps: 2 } as const };
    const whole = await GPT.create(CONFIG, { ...opts(), seed: 11 });
    const straight = new Trainer(whole, options);
    const lossesWhole = Array.from({ length: 8 }, () => straight.step().loss);

    const first = await GPT.create(CONFIG, { ...opts(), seed: 11 });
    const before = new Trainer(first, options);
    const lossesSplit = Array.from({ length: 4 }, () => before.step().loss);
    const root = await mkdtemp(join(tmpdir(), 'wasm-gpt-resume-'));
    try {
      await saveCheckpointDir(join(root, 'step-4'), first.config, first.getParameters(), before.getState());
      first.dispose();

      const loaded = await loadCheckpointDir(join(root, 'step-4'));
      expect(loaded.dims).toEqual(whole.config);
      const second = await GPT.fromParameters(loaded.dims, loaded.params, opts());
      const after = new Trainer(second, options);
      after.setState(loaded.state as TrainerState);
      expect(after.stepCount).toBe(4);
      for (let i = 0; i < 4; i++) lossesSplit.push(after.step().loss);
      expect(lossesSplit).toEqual(lossesWhole);
      expect(bitsEqual(second.getParameters(), whole.getParameters())).toBe(true);
      second.dispose();
    } finally {
      whole.dispose();
      await rm(root, { recursive: true, force: true });
    }
  });
});
