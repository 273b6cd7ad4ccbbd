import { describe, it, expect } from 'vitest';
import { ShapeError } from '../src/errors.js';
import { BatchLoader, SeededRng, decodeShard, encodeShard } from '../src/data/index.js';
import { loadMobyDick } from '../src/data/corpus.js';

describe('SeededRng (xoshiro128**)', () => {
  it('produces the reference xoshiro128** sequence from state [1, 2, 3, 4]', () => {
    const rng = SeededRng.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('is reproducible from a seed and resumable from its state', () => {
    const a = new SeededRng(42);
    const b = new SeededRng(42);
    const first = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(first);
    expect(Array.from({ length: 5 }, () => new SeededRng(43).nextUint32())).not.toEqual(first);
    expect(new SeededRng(2 ** 40).nextUint32()).not.toBe(new SeededRng(0).nextUint32());
    const state = JSON.parse(JSON.stringify(a.state()));
    const resumed = SeededRng.fromState(state);
    expect(Array.from({ length: 5 }, () => resumed.nextUint32())).toEqual(Array.from({ length: 5 }, () => a.nextUint32()));
  });

  it('draws integers uniformly in range', () => {
    const rng = new SeededRng(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[rng.nextInt(10)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const big = rng.nextInt(2 ** 40 + 3);
      expect(big).toBeGreaterThanOrEqual(0);
      expect(big).toBeLessThan(2 ** 40 + 3);
      const f = rng.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
    }
  });

  it('rejects bad seeds and states', () => {
    expect(() => new SeededRng(1.5)).toThrow(/seed must be a safe integer, got 1.5/);
    expect(() => SeededRng.fromState([0, 0, 0, 0])).toThrow(/all-zero state/);
    expect(() => SeededRng.fromState([1, 2, 3] as unknown as [number, number, number, number])).toThrow(/expected 4 unsigned 32-bit integers/);
    expect(() => new SeededRng().nextInt(0)).toThrow(ShapeError);
  });
});

describe('BatchLoader', () => {
  const arange = (n: number) => Uint16Array.from({ length: n }, (_, i) => i);

  it('random windows: y is x shifted by one, offsets cover [0, N − T − 1]', () => {
    const loader = new BatchLoader(arange(20), { batchSize: 8, blockSize: 4, seed: 1 });
    expect(loader.windowCount).toBe(16);
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const { x, y, offsets, batchSize, blockSize } = loader.next();
      expect([batchSize, blockSize, x.length, y.length]).toEqual([8, 4, 32, 32]);
      expect(x).toBeInstanceOf(Int32Array);
      offsets.forEach((o, r) => {
        expect([...x.subarray(r * 4, r * 4 + 4)]).toEqual([o, o + 1, o + 2, o + 3]);
        expect([...y.subarray(r * 4, r * 4 + 4)]).toEqual([o + 1, o + 2, o + 3, o + 4]);
        seen.add(o);
      });
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
  });

  it('is reproducible from a seed and resumes exactly from getState()', () => {
    const make = (seed: number) => new BatchLoader(arange(1000), { batchSize: 4, blockSize: 16, seed });
    const a = make(3);
    const b = make(3);
    expect(b.next().offsets).toEqual(a.next().offsets);
    expect(make(4).next().offsets).not.toEqual(make(3).next().offsets);
    a.next();
    const state = JSON.parse(JSON.stringify(a.getState()));
    const resumed = make(999);
    resumed.setState(state);
    for (let i = 0; i < 5; i++) expect(resumed.next()).toEqual(a.next());
  });

  it('sequential order visits non-overlapping windows and wraps into the next epoch', () => {
    const loader = new BatchLoader(arange(23), { batchSize: 3, blockSize: 4, order: 'sequential', idType: 'uint32' });
    expect(loader.windowCount).toBe(5); // floor((23 - 1) / 4)
    const first = loader.next();
    expect(first.x).toBeInstanceOf(Uint32Array);
    expect([first.offsets, first.epoch]).toEqual([[0, 4, 8], 0]);
    expect([...first.y.subarray(8, 12)]).toEqual([9, 10, 11, 12]);
    const second = loader.next();
    expect([second.offsets, second.epoch]).toEqual([[12, 16, 0], 0]);
    expect(loader.getState()).toMatchObject({ epoch: 1, cursor: 1 });
    const third = loader.next();
    expect([third.offsets, third.epoch]).toEqual([[4, 8, 12], 1]);
    const resumed = new BatchLoader(arange(23), { batchSize: 3, blockSize: 4, order: 'sequential', idType: 'uint32' });
    resumed.setState(loader.getState());
    expect(resumed.next()).toEqual(loader.next());
  });

  it('serves batches straight from a decoded shard of real text', async () => {
    const text = (await loadMobyDick()).slice(0, 5000);
    const ids = Array.from(text, (c) => c.charCodeAt(0));
    const { tokens } = decodeShard(encodeShard(ids, 65_536));
    const batch = new BatchLoader(tokens, { batchSize: 2, blockSize: 32, seed: 0 }).next();
    const o = batch.offsets[1];
    expect(String.fromCharCode(...batch.x.subarray(32, 64))).toBe(text.slice(o, o + 32));
    expect(String.fromCharCode(...batch.y.subarray(32, 64))).toBe(text.slice(o + 1, o + 33));
  });

  it('rejects bad arguments', () => {
    expect(() => new BatchLoader(arange(4), { batchSize: 1, blockSize: 4 })).toThrow(ShapeError);
    expect(() => new BatchLoader(arange(4), { batchSize: 1, blockSize: 4 })).toThrow(/4 tokens cannot fill one window of blockSize 4 \(need at least 5/);
    expect(() => new BatchLoader(arange(10), { batchSize: 0, blockSize: 4 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => new BatchLoader([1, 2, 3] as unknown as Uint16Array, { batchSize: 1, blockSize: 1 })).toThrow(/tokens must be a Uint16Array, Uint32Array or Int32Array/);
    const loader = new BatchLoader(arange(10), { batchSize: 1, blockSize: 2 });
    expect(() => loader.setState({ ...loader.getState(), order: 'sequential' })).toThrow(/state is for order "sequential"/);
  });
});
