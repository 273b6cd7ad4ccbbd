// Property-based fuzzing of every option bag (seeded, shrinking): a valid bag with one to three options set to
// hostile values is either accepted or refused with a WasmGptError that names one of the options changed,
// before anything is allocated. The long campaign (one process per bad argument) is `npm run fuzz`.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchLoader } from '../src/data/loader.js';
import { ConfigError, WasmGptError } from '../src/errors.js';
import { resolveConfig } from '../src/model/config.js';
import { GPT } from '../src/model/gpt.js';
import { resolveOptions } from '../src/sampler/options.js';
import { validateSchedule } from '../src/train/schedule.js';
import { Trainer } from '../src/train/trainer.js';

const SEED = 20261204;
const RUNS = 250;

const hostile = fc.oneof(
  fc.constantFrom(0, -1, 1.5, NaN, Infinity, 2 ** 24 + 1, 2 ** 32, 1e15, 1e308, '', 'x', null, true, [], {}, [0.9], new Float32Array(2)),
  fc.jsonValue({ maxDepth: 1 }),
);

/** `f` with `base` overridden by `edits` accepts, or throws a WasmGptError naming one of the edited keys. */
function acceptsOrNames(edits: [string, unknown][], f: (bag: Record<string, unknown>) => unknown, base: Record<string, unknown>): void {
  const bag = { ...base };
  for (const [k, v] of edits) bag[k] = v;
  try {
    f(bag);
  } catch (e) {
    if (!(e instanceof WasmGptError)) throw new Error(`not a WasmGptError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
    const named = edits.some(([k]) => e.message.includes(k) || (e instanceof ConfigError && e.key.startsWith(k)));
    if (!named) throw new Error(`${e.name} names none of ${edits.map(([k]) => k).join(', ')}: ${e.message}`);
  }
}

const edits = (keys: string[]) => fc.array(fc.tuple(fc.constantFrom(...keys), hostile), { minLength: 1, maxLength: 3 });

describe('fuzz: option bags', () => {
  const TINY = { vocabSize: 32, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16 };
  let model: GPT;
  beforeAll(async () => {
    model = await GPT.create(TINY, { backend: 'js' });
  });
  afterAll(() => model.dispose());

  it('GPTConfig', () => {
    const keys = [...Object.keys(resolveConfig(TINY)), 'preset', 'nLayers'];
    fc.assert(fc.property(edits(keys), (e) => acceptsOrNames(e, (bag) => resolveConfig(bag), TINY)), { seed: SEED, numRuns: RUNS });
  });

  it('GPT options (checked before the backend loads)', async () => {
    const keys = ['backend', 'threads', 'init', 'seed', 'device'];
    await fc.assert(
      fc.asyncProperty(edits(keys), async (e) => {
        const bag = Object.fromEntries(e) as Record<string, unknown>;
        // A valid backend would load the wasm core: the property is about the checks, so keep the js one.
        if (bag.backend === undefined || bag.backend === 'wasm' || bag.backend === 'auto') bag.backend = 'js';
        try {
          (await GPT.create(TINY, bag)).dispose();
        } catch (err) {
          expect(err).toBeInstanceOf(WasmGptError);
          expect(e.some(([k]) => (err as Error).message.includes(k))).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('Trainer options', () => {
    const base = { trainData: Uint16Array.from({ length: 200 }, (_, i) => i % 32), batchSize: 2, blockSize: 8 };
    const keys = ['trainData', 'valData', 'batchSize', 'blockSize', 'gradAccumSteps', 'lr', 'betas', 'eps', 'weightDecay',
      'decay', 'gradClip', 'evalInterval', 'evalBatches', 'seed', 'onNonFinite', 'momentum'];
    fc.assert(
      fc.property(edits(keys), (e) => acceptsOrNames(e, (bag) => new Trainer(model, bag as never).dispose(), base)),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('generate() options', () => {
    const keys = ['prompt', 'bos', 'maxNewTokens', 'endTokens', 'stopStrings', 'onContextFull', 'slideKeep', 'numBeams',
      'temperature', 'topK', 'topP', 'minP', 'repetitionPenalty', 'noRepeatNgramSize', 'lengthPenalty', 'earlyStopping',
      'numReturnSequences', 'seed', 'logprobs', 'max_length'];
    fc.assert(
      fc.property(edits(keys), (e) => acceptsOrNames(e, (bag) => resolveOptions(bag as never, model.config, undefined), { prompt: [1, 2] })),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('learning-rate schedules', () => {
    const keys = ['kind', 'lr', 'warmupSteps', 'minLr', 'totalSteps', 'stepSize', 'gamma'];
    fc.assert(
      fc.property(edits(keys), (e) => acceptsOrNames(e, (bag) => validateSchedule(bag as never), { kind: 'cosine', lr: 1e-3, totalSteps: 100 })),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('BatchLoader options', () => {
    const tokens = Uint16Array.from({ length: 100 }, (_, i) => i % 7);
    fc.assert(
      fc.property(edits(['batchSize', 'blockSize', 'order', 'seed', 'idType']), (e) =>
        acceptsOrNames(e, (bag) => new BatchLoader(tokens, bag as never).next(), { batchSize: 2, blockSize: 4 })),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
