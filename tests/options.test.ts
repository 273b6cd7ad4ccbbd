import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { rejectUnknownKeys } from '../src/options.js';

const KNOWN = new Set(['batchSize', 'blockSize', 'lr']);

describe('rejectUnknownKeys', () => {
  it('accepts any subset of the known keys and names the first unknown one', () => {
    fc.assert(
      fc.property(fc.subarray([...KNOWN]), fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }), (known, extra) => {
        const unknown = extra.filter((k) => !KNOWN.has(k) && k !== '__proto__');
        const bag = Object.fromEntries([...known, ...unknown].map((k) => [k, 1]));
        if (unknown.length === 0) {
          rejectUnknownKeys('Trainer', bag, KNOWN);
          return;
        }
        let err: unknown;
        try {
          rejectUnknownKeys('Trainer', bag, KNOWN, 'x.');
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).key).toBe(`x.${Object.keys(bag).find((k) => !KNOWN.has(k))}`);
        expect((err as ConfigError).message).toContain('known: batchSize, blockSize, lr');
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('says who rejected which key', () => {
    expect(() => rejectUnknownKeys('createWorker', { thread: 2 }, new Set(['threads']))).toThrow('createWorker: unknown option "thread" (known: threads)');
  });
});
