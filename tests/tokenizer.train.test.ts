import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenizerError } from '../src/errors.js';
import { ByteLevelBPETokenizer, loadTokenizer, trainByteLevelBPE, type TrainProgress } from '../src/tokenizer/index.js';
import { loadTokenizerFile, loadVocabMergesFiles, saveTokenizer } from '../src/tokenizer/node-io.js';
import { loadMobyDick } from '../src/data/corpus.js';
import { VARIED_CORPUS, unicodeText, wellFormed } from './tokenizer.fixtures.js';

let moby: string;
let trained: ByteLevelBPETokenizer;
let trainMs: number;
const progress: TrainProgress[] = [];

beforeAll(async () => {
  moby = await loadMobyDick();
  const started = performance.now();
  trained = trainByteLevelBPE(moby.slice(0, 1_000_000), { vocabSize: 4096, onProgress: (p) => progress.push(p) });
  trainMs = performance.now() - started;
});

describe('trainByteLevelBPE on 1 MB of Moby-Dick, 4096 tokens', () => {
  it('reaches the requested vocabulary with <|endoftext|> reserved last, in seconds', () => {
    expect(trained.vocabSize).toBe(4096);
    expect(trained.mergeCount).toBe(4096 - 256 - 1);
    expect(trained.eotId).toBe(4095);
    expect(trained.idToToken(4095)).toBe('<|endoftext|>');
    expect(trainMs).toBeLessThan(15_000);
  });

  it('learns the expected first merges, GPT-2 byte ids, and compresses', () => {
    expect(trained.merges().slice(0, 5)).toEqual([
      ['Ġ', 't'],
      ['h', 'e'],
      ['Ġ', 'a'],
      ['i', 'n'],
      ['Ġt', 'he'],
    ]);
    expect(trained.encode(' the')).toEqual([trained.tokenToId('Ġthe')]);
    expect(trained.tokenToId('!')).toBe(0);
    expect(trained.tokenToId('Ġ')).toBe(220);
    const rest = moby.slice(1_000_000);
    const ids = trained.encode(rest);
    expect(ids.length).toBeLessThan(rest.length / 3.5);
    expect(trained.decode(ids)).toBe(rest);
  });

  it('reports progress from counting to done', () => {
    expect(progress[0].phase).toBe('counting');
    expect(progress[0].uniqueWords).toBeGreaterThan(10_000);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', merges: 3839, targetMerges: 3839 });
    const merging = progress.filter((p) => p.phase === 'merging');
    expect(merging.length).toBeGreaterThanOrEqual(90);
    for (let i = 1; i < merging.length; i++) expect(merging[i].merges).toBeGreaterThan(merging[i - 1].merges);
  });

  it('reloads to identical encodings from tokenizer.json and from vocab.json + merges.txt', async () => {
    const sample = moby.slice(1_000_000, 1_100_000) + VARIED_CORPUS.join('<|endoftext|>');
    const expected = trained.encode(sample);
    expect(loadTokenizer(trained.save()).encode(sample)).toEqual(expected);
    expect(ByteLevelBPETokenizer.fromVocabMerges(trained.toVocabJson(), trained.toMergesTxt()).encode(sample)).toEqual(expected);

    const dir = join(mkdtempSync(join(tmpdir(), 'wasm-gpt-train-')), 'tok');
    const paths = await saveTokenizer(trained, dir);
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual(['tokenizer.json', 'vocab.json', 'merges.txt']);
    expect(readdirSync(dir).sort()).toEqual(['merges.txt', 'tokenizer.json', 'vocab.json']); // no temp files left
    expect((await loadTokenizerFile(join(dir, 'tokenizer.json'))).encode(sample)).toEqual(expected);
    expect((await loadVocabMergesFiles(join(dir, 'vocab.json'), join(dir, 'merges.txt'))).encode(sample)).toEqual(expected);
  });

  it('round-trips random Unicode text', () => {
    fc.assert(
      fc.property(unicodeText(100), (text) => {
        expect(trained.decode(trained.encode(text))).toBe(wellFormed(text));
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('trainByteLevelBPE behaviour', () => {
  const small = VARIED_CORPUS.slice(0, 10).join('\n');

  it('is deterministic', () => {
    const a = trainByteLevelBPE(small, { vocabSize: 400, minFrequency: 1 });
    const b = trainByteLevelBPE(small, { vocabSize: 400, minFrequency: 1 });
    expect(a.save()).toBe(b.save());
  });

  it('keeps special tokens out of the learned merges and at the last ids', () => {
    const corpus = Array.from({ length: 50 }, (_, i) => `doc ${i} says hello<|endoftext|>`).join('') + '<|sep|>';
    const tok = trainByteLevelBPE(corpus, { vocabSize: 300, specialTokens: ['<|endoftext|>', '<|sep|>'], minFrequency: 1 });
    expect([...tok.specialTokens]).toEqual([['<|endoftext|>', 298], ['<|sep|>', 299]]);
    for (const [a, b] of tok.merges()) expect(a + b).not.toMatch(/[<|>]/);
    expect(tok.encode('hello<|endoftext|><|sep|>').slice(-2)).toEqual([298, 299]);
  });

  it('pre-tokenises documents of an iterable separately', () => {
    // Across documents "ab" + "cd" never touch, so the pair "b","c" does not exist.
    const tok = trainByteLevelBPE(['ab', 'cd', 'ab', 'cd'], { vocabSize: 258 + 1, minFrequency: 1 });
    expect(tok.merges()).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('explains a vocabulary larger than the corpus allows, with the largest reachable size', () => {
    let message = '';
    try {
      trainByteLevelBPE('the cat sat on the mat, the end', { vocabSize: 1000, minFrequency: 1 });
    } catch (err) {
      expect(err).toBeInstanceOf(TokenizerError);
      message = (err as Error).message;
    }
    const reachable = Number(/largest reachable vocabulary is (\d+)/.exec(message)?.[1]);
    expect(message).toMatch(/vocabSize 1000 is larger than this corpus allows/);
    expect(reachable).toBeGreaterThan(257);
    expect(trainByteLevelBPE('the cat sat on the mat, the end', { vocabSize: reachable, minFrequency: 1 }).vocabSize).toBe(reachable);
    expect(() => trainByteLevelBPE('the cat sat on the mat, the end', { vocabSize: reachable + 1, minFrequency: 1 })).toThrow(TokenizerError);
  });

  it('rejects bad input with clear errors', () => {
    expect(() => trainByteLevelBPE('', { vocabSize: 300 })).toThrow(/the corpus is empty/);
    expect(() => trainByteLevelBPE('<|endoftext|><|endoftext|>', { vocabSize: 300 })).toThrow(/the corpus is empty/);
    expect(() => trainByteLevelBPE('abc', { vocabSize: 256 })).toThrow(/vocabSize must be an integer ≥ 257 \(256 bytes \+ 1 special tokens\), got 256/);
    expect(() => trainByteLevelBPE('abc', { vocabSize: 300, specialTokens: ['<a>', '<a>'] })).toThrow(/special token "<a>" is listed twice/);
    expect(() => trainByteLevelBPE('abc', { vocabSize: 300, specialTokens: [''] })).toThrow(/special tokens must be non-empty strings/);
    expect(() => trainByteLevelBPE('abc', { vocabSize: 300, minFrequency: 0 })).toThrow(/minFrequency must be a positive integer/);
  });
});
