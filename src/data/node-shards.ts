/** Node-only: token shards on disk, and the Moby-Dick corpus the CLI and demo use. */
import { createReadStream } from 'node:fs';
import { open, readFile, rm, mkdir, rename } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FormatError } from '../errors.js';
import { writeFileAtomic } from '../tokenizer/node-io.js';
import type { Tokenizer } from '../tokenizer/types.js';
import {
  SHARD_HEADER_BYTES,
  decodeShard,
  encodeShard,
  prepareShards,
  type CorpusSource,
  type PrepareShardsOptions,
  type PrepareShardsResult,
  type ShardHeader,
  type ShardSink,
  type ShardTokens,
} from './shards.js';

/** A sink writing `path` through a temporary file renamed into place on close, deleted on abort. */
export function fileShardSink(path: string): ShardSink {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  let position = SHARD_HEADER_BYTES;
  const ensureOpen = async () => {
    if (handle === undefined) {
      handle = await open(tmp, 'w');
      await handle.write(new Uint8Array(SHARD_HEADER_BYTES), 0, SHARD_HEADER_BYTES, 0);
    }
    return handle;
  };
  return {
    async write(chunk) {
      const h = await ensureOpen();
      await h.write(chunk, 0, chunk.length, position);
      position += chunk.length;
    },
    async close(header) {
      const h = await ensureOpen();
      await h.write(header, 0, header.length, 0);
      await h.close();
      handle = undefined;
      await rename(tmp, path);
    },
    async abort() {
      await handle?.close();
      handle = undefined;
      await rm(tmp, { force: true });
    },
  };
}

/** A text file as a stream of string chunks (UTF-8; characters split across reads are reassembled). */
export async function* readTextChunks(path: string, chunkBytes = 1 << 20): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: chunkBytes });
  try {
    for await (const chunk of stream) yield chunk as string;
  } catch (cause) {
    throw new FormatError(`cannot read corpus file ${path}: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Tokenize text files (each one a document, streamed) or any `CorpusSource` into `outDir/train.bin` and
 * `outDir/val.bin`.
 */
export async function prepareShardFiles(
  input: { files: readonly string[] } | CorpusSource,
  tokenizer: Tokenizer,
  outDir: string,
  options?: PrepareShardsOptions,
): Promise<PrepareShardsResult & { trainPath: string; valPath: string }> {
  await mkdir(outDir, { recursive: true });
  const trainPath = join(outDir, 'train.bin');
  const valPath = join(outDir, 'val.bin');
  const source: CorpusSource =
    typeof input === 'object' && input !== null && 'files' in input && Array.isArray(input.files)
      ? input.files.map((file) => readTextChunks(file))
      : (input as CorpusSource);
  const result = await prepareShards(source, tokenizer, { train: fileShardSink(trainPath), val: fileShardSink(valPath) }, options);
  return { ...result, trainPath, valPath };
}

/** Read a whole shard file into memory and validate it. */
export async function readShardFile(path: string): Promise<{ header: ShardHeader; tokens: ShardTokens }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new FormatError(`cannot read shard ${path}: ${(cause as Error).message}`, { cause });
  }
  return decodeShard(bytes, path);
}

/** Write ids as one shard file (atomically). */
export async function writeShardFile(path: string, tokens: ArrayLike<number>, vocabSize: number): Promise<void> {
  await writeFileAtomic(path, encodeShard(tokens, vocabSize));
}

export { loadMobyDick } from './corpus.js';
