/** Node-only: reading and writing tokenizer files. Everything else in src/tokenizer works in browsers. */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FormatError } from '../errors.js';
import { ByteLevelBPETokenizer, type ByteLevelBPEOptions, type TiktokenOptions } from './bpe.js';
import { loadTokenizer } from './load.js';
import type { Tokenizer } from './types.js';

/** Write via a uniquely named temporary file and rename, so readers never see a half-written file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new FormatError(`cannot read ${what} ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** Prefix errors about file contents with the file's path, keeping the error class. */
async function withPath<T>(path: string, load: () => T): Promise<T> {
  try {
    return load();
  } catch (err) {
    if (err instanceof Error && !err.message.includes(path)) err.message = `${path}: ${err.message}`;
    throw err;
  }
}

/** Load GPT-2-format `vocab.json` + `merges.txt`. */
export async function loadVocabMergesFiles(
  vocabPath: string,
  mergesPath: string,
  options?: ByteLevelBPEOptions,
): Promise<ByteLevelBPETokenizer> {
  const [vocab, merges] = await Promise.all([readText(vocabPath, 'vocab file'), readText(mergesPath, 'merges file')]);
  return withPath(`${vocabPath} + ${mergesPath}`, () => ByteLevelBPETokenizer.fromVocabMerges(vocab, merges, options));
}

/** Load a tokenizer saved by `saveTokenizer` or a Hugging Face `tokenizer.json`. */
export async function loadTokenizerFile(path: string): Promise<Tokenizer> {
  const text = await readText(path, 'tokenizer file');
  return withPath(path, () => loadTokenizer(text));
}

/** Load a tiktoken ranks file such as gpt-tokenizer's `data/r50k_base.tiktoken`. */
export async function loadTiktokenFile(path: string, options?: TiktokenOptions): Promise<ByteLevelBPETokenizer> {
  const text = await readText(path, 'tiktoken file');
  return withPath(path, () => ByteLevelBPETokenizer.fromTiktoken(text, options));
}

/**
 * Save into `dir` (created if needed): `tokenizer.json` always, plus `vocab.json` and `merges.txt` for a
 * byte-level BPE. Returns the written paths. Each file is written atomically.
 */
export async function saveTokenizer(tokenizer: Tokenizer, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [['tokenizer.json', tokenizer.save()]];
  if (tokenizer instanceof ByteLevelBPETokenizer) {
    files.push(['vocab.json', tokenizer.toVocabJson()], ['merges.txt', tokenizer.toMergesTxt()]);
  }
  const paths = files.map(([name]) => join(dir, name));
  await Promise.all(files.map(([, data], i) => writeFileAtomic(paths[i], data)));
  return paths;
}
