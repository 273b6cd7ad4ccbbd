import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, ShapeError, TokenizerError } from '../src/errors.js';
import {
  SHARD_HEADER_BYTES,
  decodeShard,
  decodeShardHeader,
  encodeShard,
  encodeShardHeader,
  memoryShardSink,
  prepareShards,
  prepareShardsInMemory,
  shardDtypeFor,
} from '../src/data/index.js';
import { prepareShardFiles, readShardFile, readTextChunks, writeShardFile } from '../src/data/node-shards.js';
import { loadMobyDick } from '../src/data/corpus.js';
import { CharTokenizer, type ByteLevelBPETokenizer } from '../src/tokenizer/index.js';
import { loadVocabMergesFiles } from '../src/tokenizer/node-io.js';
import { gpt2VocabFiles } from './tokenizer.fixtures.js';

describe('shard format', () => {
  it('writes the documented 24-byte header, byte for byte', () => {
    expect([...encodeShardHeader({ dtype: 'uint16', vocabSize: 50257, count: 3 })]).toEqual([
      0x57, 0x47, 0x54, 0x4b, // "WGTK"
      1, 0, // version 1
      2, 0, // 2 bytes per id
      0x51, 0xc4, 0, 0, // vocabulary size 50257
      0, 0, 0, 0, // reserved
      3, 0, 0, 0, 0, 0, 0, 0, // count
    ]);
    const shard = encodeShard([1, 50256, 7], 50257);
    expect([...shard.subarray(SHARD_HEADER_BYTES)]).toEqual([1, 0, 0x50, 0xc4, 7, 0]);
    const wide = encodeShard([70_000], 100_000);
    expect([...wide.subarray(6, 8)]).toEqual([4, 0]);
    expect([...wide.subarray(SHARD_HEADER_BYTES)]).toEqual([0x70, 0x11, 0x01, 0x00]);
  });

  it('uses uint16 up to 65 536 ids, uint32 beyond', () => {
    expect(shardDtypeFor(65_536)).toBe('uint16');
    expect(shardDtypeFor(65_537)).toBe('uint32');
  });

  it('decodes to the same ids whether the data is aligned (view) or not (copy)', () => {
    const shard = encodeShard([5, 0, 65_535, 42], 65_536);
    const { header, tokens } = decodeShard(shard);
    expect(header).toEqual({ version: 1, dtype: 'uint16', vocabSize: 65_536, count: 4 });
    expect(tokens).toBeInstanceOf(Uint16Array);
    expect([...tokens]).toEqual([5, 0, 65_535, 42]);
    expect(tokens.buffer).toBe(shard.buffer); // zero-copy
    const unaligned = new Uint8Array(shard.length + 1);
    unaligned.set(shard, 1);
    expect([...decodeShard(unaligned.subarray(1)).tokens]).toEqual([5, 0, 65_535, 42]);
    const wide = decodeShard(encodeShard([70_000, 3], 100_000));
    expect(wide.tokens).toBeInstanceOf(Uint32Array);
    expect([...wide.tokens]).toEqual([70_000, 3]);
  });

  it('rejects malformed shards, naming the source and expected vs got', () => {
    const good = encodeShard([1, 2, 3], 10);
    const patched = (offset: number, bytes: number[]) => {
      const copy = good.slice();
      copy.set(bytes, offset);
      return copy;
    };
    expect(() => decodeShard(good.subarray(0, 10), 'train.bin')).toThrow(/train.bin: 10 bytes is shorter than the 24-byte shard header/);
    expect(() => decodeShard(patched(0, [0x7f, 0x45, 0x4c, 0x46]), 'x.bin')).toThrow(FormatError);
    expect(() => decodeShard(patched(0, [0x7f, 0x45, 0x4c, 0x46]), 'x.bin')).toThrow(/x.bin: bad magic 7f 45 4c 46, expected 57 47 54 4b/);
    expect(() => decodeShard(patched(4, [2, 0]))).toThrow(/format version 2 is not supported \(expected 1\)/);
    expect(() => decodeShard(patched(6, [3, 0]))).toThrow(/bytes per token is 3, expected 2 or 4/);
    expect(() => decodeShard(good.subarray(0, good.length - 1))).toThrow(/header says 3 uint16 tokens \(30 bytes in all\) but the data is 29 bytes/);
    expect(() => decodeShard(patched(24, [10, 0]))).toThrow(/token 0 is id 10, outside the vocabulary size 10/);
    expect(() => encodeShard([1, 10], 10)).toThrow(TokenizerError);
    expect(() => encodeShard([1, 10], 10)).toThrow(/token id 10 at index 1 is outside the vocabulary \[0, 10\)/);
    expect(() => decodeShardHeader(new Uint8Array(24))).toThrow(/bad magic 00 00 00 00/);
  });
});

describe('prepareShards', () => {
  let gpt2: ByteLevelBPETokenizer;
  let moby: string;
  beforeAll(async () => {
    const { vocabPath, mergesPath } = await gpt2VocabFiles();
    gpt2 = await loadVocabMergesFiles(vocabPath, mergesPath);
    moby = await loadMobyDick();
  });

  /** Rebuild the full token stream from the two splits using the documented block rule. */
  function interleave(train: ArrayLike<number>, val: ArrayLike<number>, block: number, fraction: number): number[] {
    const out: number[] = [];
    let t = 0;
    let v = 0;
    for (let b = 0; t < train.length || v < val.length; b++) {
      const toVal = Math.floor((b + 1) * fraction) > Math.floor(b * fraction);
      for (let i = 0; i < block; i++) {
        if (toVal ? v < val.length : t < train.length) out.push(toVal ? val[v++] : train[t++]);
      }
    }
    return out;
  }

  it('splits Moby-Dick deterministically into train.bin and val.bin (GPT-2 ids, uint16)', async () => {
    const result = await prepareShardsInMemory(moby, gpt2);
    const train = decodeShard(result.trainBytes, 'train');
    const val = decodeShard(result.valBytes, 'val');
    const expected = [...gpt2.encode(moby), 50256];
    expect(train.header.dtype).toBe('uint16');
    expect(result.train.count + result.val.count).toBe(expected.length);
    expect(result.documents).toBe(1);
    // Every tenth block of 2048 tokens (blocks 9, 19, ...) is validation.
    expect([...val.tokens.subarray(0, 2048)]).toEqual(expected.slice(9 * 2048, 10 * 2048));
    expect([...train.tokens.subarray(0, 9 * 2048)]).toEqual(expected.slice(0, 9 * 2048));
    expect(interleave(train.tokens, val.tokens, 2048, 0.1)).toEqual(expected);
    expect(result.val.count / expected.length).toBeGreaterThan(0.09);
    expect(result.val.count / expected.length).toBeLessThan(0.11);
    const again = await prepareShardsInMemory(moby, gpt2);
    expect(again.trainBytes).toEqual(result.trainBytes);
    expect(again.valBytes).toEqual(result.valBytes);
  });

  it('takes documents as strings, chunk iterables and async iterables, separated by <|endoftext|>', async () => {
    async function* asyncChunks() {
      yield 'third ';
      yield 'docu';
      yield 'ment 😀';
    }
    const docs = ['first document.', ['sec', 'ond', ' one'], asyncChunks()];
    const result = await prepareShardsInMemory(docs, gpt2, { valFraction: 0.25, splitBlockTokens: 2 });
    const expected = ['first document.', 'second one', 'third document 😀'].flatMap((d) => [...gpt2.encode(d), 50256]);
    expect(result.documents).toBe(3);
    expect(interleave(decodeShard(result.trainBytes).tokens, decodeShard(result.valBytes).tokens, 2, 0.25)).toEqual(expected);
    const noSeparator = await prepareShardsInMemory(['ab', 'cd'], gpt2, { valFraction: 0, documentSeparator: null });
    expect([...decodeShard(noSeparator.trainBytes).tokens]).toEqual([...gpt2.encode('ab'), ...gpt2.encode('cd')]);
    expect(noSeparator.val.count).toBe(0);
  });

  it('uses uint32 shards for vocabularies over 65 536 ids', async () => {
    const big = CharTokenizer.fromCorpus(Array.from({ length: 70_000 }, (_, i) => String.fromCodePoint(0x10000 + i)).join(''));
    const result = await prepareShardsInMemory(String.fromCodePoint(0x10000 + 69_999).repeat(20), big, { valFraction: 0.5, splitBlockTokens: 5 });
    const train = decodeShard(result.trainBytes);
    expect(train.header.dtype).toBe('uint32');
    expect([...train.tokens].slice(0, 2)).toEqual([69_999, 69_999]);
  });

  it('rejects an empty corpus, an empty validation split and bad options, discarding partial output', async () => {
    let aborted = 0;
    const sink = () => ({ ...memoryShardSink(), abort: () => void aborted++ });
    await expect(prepareShards(['', ''], gpt2, { train: sink(), val: sink() })).rejects.toThrow(/the corpus is empty \(2 document\(s\), 0 tokens of text\)/);
    expect(aborted).toBe(2);
    await expect(prepareShardsInMemory('a few words only', gpt2)).rejects.toThrow(
      /the validation split is empty: 5 tokens make 1 block\(s\) of 2048 .*lower splitBlockTokens/,
    );
    await expect(prepareShardsInMemory('abc', gpt2, { valFraction: 1 })).rejects.toThrow(ShapeError);
    await expect(prepareShardsInMemory('abc', gpt2, { documentSeparator: 50257 })).rejects.toThrow(/documentSeparator 50257 is not an id of the vocabulary \[0, 50257\)/);
    await expect(prepareShardsInMemory([42 as unknown as string], gpt2)).rejects.toThrow(/a document must be a string or an iterable of strings, got 42/);
    const chars = CharTokenizer.fromCorpus('abc');
    await expect(prepareShardsInMemory('abcd', chars)).rejects.toThrow(/character "d"/);
  });
});

describe('shard files (Node)', () => {
  it('prepares train.bin/val.bin from streamed files, atomically, equal to the in-memory result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-gpt-shards-'));
    const tok = CharTokenizer.fromCorpus('abcdef é😀\n');
    const a = join(dir, 'a.txt');
    const b = join(dir, 'b.txt');
    writeFileSync(a, 'abc é😀\n'.repeat(3000));
    writeFileSync(b, 'fed cba\n'.repeat(10));
    const out = join(dir, 'out');
    const result = await prepareShardFiles({ files: [a, b] }, tok, out, { splitBlockTokens: 256 });
    expect(readdirSync(out).sort()).toEqual(['train.bin', 'val.bin']);
    const memory = await prepareShardsInMemory(['abc é😀\n'.repeat(3000), 'fed cba\n'.repeat(10)], tok, { splitBlockTokens: 256 });
    expect(new Uint8Array(readFileSync(result.trainPath))).toEqual(memory.trainBytes);
    expect(new Uint8Array(readFileSync(result.valPath))).toEqual(memory.valBytes);
    const train = await readShardFile(result.trainPath);
    expect(train.header.count).toBe(result.train.count);
  });

  it('reads files in chunks that split UTF-8 characters without changing the tokens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-gpt-chunks-'));
    const path = join(dir, 'text.txt');
    const text = 'Ünïcödé 😀 text, ‘quoted’ — dashes.\n'.repeat(4000);
    writeFileSync(path, text);
    const pieces: string[] = [];
    for await (const chunk of readTextChunks(path, 1001)) pieces.push(chunk);
    expect(pieces.length).toBeGreaterThan(100);
    expect(pieces.join('')).toBe(text);
  });

  it('writes and reads single shards, and names the file in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-gpt-shard-'));
    const path = join(dir, 'x.bin');
    await writeShardFile(path, [3, 1, 4, 1, 5], 10);
    expect(readdirSync(dir)).toEqual(['x.bin']);
    expect([...(await readShardFile(path)).tokens]).toEqual([3, 1, 4, 1, 5]);
    writeFileSync(path, readFileSync(path).subarray(0, 30));
    await expect(readShardFile(path)).rejects.toThrow(/x.bin: header says 5 uint16 tokens .* data is 30 bytes/);
    await expect(readShardFile(join(dir, 'nope.bin'))).rejects.toThrow(/cannot read shard .*nope.bin/);
  });
});
