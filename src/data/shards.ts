/**
 * Token shards: a 24-byte little-endian header followed by the token ids.
 *
 * | offset | size | field                                              |
 * |-------:|-----:|----------------------------------------------------|
 * |      0 |    4 | magic, ASCII "WGTK" (57 47 54 4B)                  |
 * |      4 |    2 | format version, u16 = 1                            |
 * |      6 |    2 | bytes per token id, u16: 2 (uint16) or 4 (uint32)  |
 * |      8 |    4 | vocabulary size, u32 (every id is below it)        |
 * |     12 |    4 | reserved, 0                                        |
 * |     16 |    8 | token count, u64                                   |
 * |     24 |  n·w | token ids, little-endian, w bytes each             |
 *
 * uint16 is used when the vocabulary has at most 65 536 ids. Browser-safe: only Uint8Array and typed arrays.
 */
import { FormatError, ShapeError, TokenizerError, WasmGptError, describeValue } from '../errors.js';
import type { AllowedSpecial, Tokenizer } from '../tokenizer/types.js';

export const SHARD_MAGIC = 'WGTK';
export const SHARD_VERSION = 1;
export const SHARD_HEADER_BYTES = 24;

export type ShardDtype = 'uint16' | 'uint32';
export type ShardTokens = Uint16Array | Uint32Array;

export interface ShardHeader {
  version: number;
  dtype: ShardDtype;
  vocabSize: number;
  /** Number of token ids in the shard. */
  count: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const MAGIC_BYTES = [0x57, 0x47, 0x54, 0x4b];

export function shardDtypeFor(vocabSize: number): ShardDtype {
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || vocabSize > 4294967296) {
    throw new ShapeError(`vocabSize must be an integer in [1, 2^32], got ${describeValue(vocabSize)}`);
  }
  return vocabSize <= 65536 ? 'uint16' : 'uint32';
}

function bytesPer(dtype: ShardDtype): number {
  return dtype === 'uint16' ? 2 : 4;
}

export function encodeShardHeader(header: Omit<ShardHeader, 'version'>): Uint8Array {
  const { dtype, vocabSize, count } = header;
  if (dtype !== 'uint16' && dtype !== 'uint32') throw new ShapeError(`shard header: dtype must be 'uint16' or 'uint32', got ${describeValue(dtype)}`);
  if (dtype === 'uint16' && vocabSize > 65536) throw new ShapeError(`shard header: vocabSize ${vocabSize} does not fit uint16 ids`);
  shardDtypeFor(vocabSize);
  if (!Number.isSafeInteger(count) || count < 0) throw new ShapeError(`shard header: count must be a non-negative safe integer, got ${describeValue(count)}`);
  const bytes = new Uint8Array(SHARD_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC_BYTES, 0);
  view.setUint16(4, SHARD_VERSION, true);
  view.setUint16(6, bytesPer(dtype), true);
  // Stored as u32; 2^32 itself cannot be, and uint32 ids never reach it anyway.
  view.setUint32(8, Math.min(vocabSize, 0xffffffff), true);
  view.setBigUint64(16, BigInt(count), true);
  return bytes;
}

/** Parse and validate a header; `source` names the file or buffer in error messages. */
export function decodeShardHeader(bytes: Uint8Array, source = 'shard'): ShardHeader {
  if (!(bytes instanceof Uint8Array)) throw new ShapeError(`${source}: expected a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < SHARD_HEADER_BYTES) {
    throw new FormatError(`${source}: ${bytes.length} bytes is shorter than the ${SHARD_HEADER_BYTES}-byte shard header`);
  }
  if (MAGIC_BYTES.some((b, i) => bytes[i] !== b)) {
    const got = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new FormatError(`${source}: bad magic ${got}, expected 57 47 54 4b ("${SHARD_MAGIC}"); not a wasm-gpt token shard`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, SHARD_HEADER_BYTES);
  const version = view.getUint16(4, true);
  if (version !== SHARD_VERSION) throw new FormatError(`${source}: shard format version ${version} is not supported (expected ${SHARD_VERSION})`);
  const width = view.getUint16(6, true);
  if (width !== 2 && width !== 4) throw new FormatError(`${source}: bytes per token is ${width}, expected 2 or 4`);
  const vocabSize = view.getUint32(8, true);
  if (vocabSize === 0) throw new FormatError(`${source}: vocabulary size is 0`);
  const count = view.getBigUint64(16, true);
  if (count > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError(`${source}: token count ${count} is too large`);
  return { version, dtype: width === 2 ? 'uint16' : 'uint32', vocabSize, count: Number(count) };
}

/** Whole shard in memory: header + ids. Ids must be integers in [0, vocabSize). */
export function encodeShard(tokens: ArrayLike<number>, vocabSize: number): Uint8Array {
  const dtype = shardDtypeFor(vocabSize);
  const out = new Uint8Array(SHARD_HEADER_BYTES + tokens.length * bytesPer(dtype));
  out.set(encodeShardHeader({ dtype, vocabSize, count: tokens.length }), 0);
  writeIds(tokens, 0, tokens.length, vocabSize, dtype, out, SHARD_HEADER_BYTES);
  return out;
}

function writeIds(tokens: ArrayLike<number>, from: number, to: number, vocabSize: number, dtype: ShardDtype, out: Uint8Array, offset: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const width = bytesPer(dtype);
  for (let i = from; i < to; i++) {
    const id = tokens[i];
    if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
      throw new TokenizerError(`shard: token id ${describeValue(id)} at index ${i} is outside the vocabulary [0, ${vocabSize})`);
    }
    if (width === 2) view.setUint16(offset, id, true);
    else view.setUint32(offset, id, true);
    offset += width;
  }
}

/**
 * Parse a shard. The ids are a view into `bytes` when alignment and endianness allow, otherwise a copy.
 * Checks the length against the header and (unless `validate` is false) that every id is below vocabSize.
 */
export function decodeShard(bytes: Uint8Array, source = 'shard', validate = true): { header: ShardHeader; tokens: ShardTokens } {
  const header = decodeShardHeader(bytes, source);
  const width = bytesPer(header.dtype);
  const expected = SHARD_HEADER_BYTES + header.count * width;
  if (bytes.length !== expected) {
    throw new FormatError(
      `${source}: header says ${header.count} ${header.dtype} tokens (${expected} bytes in all) but the data is ${bytes.length} bytes; the file is truncated or corrupt`,
    );
  }
  const start = bytes.byteOffset + SHARD_HEADER_BYTES;
  let tokens: ShardTokens;
  if (LITTLE_ENDIAN && start % width === 0) {
    tokens = header.dtype === 'uint16' ? new Uint16Array(bytes.buffer, start, header.count) : new Uint32Array(bytes.buffer, start, header.count);
  } else {
    tokens = header.dtype === 'uint16' ? new Uint16Array(header.count) : new Uint32Array(header.count);
    const view = new DataView(bytes.buffer, start, header.count * width);
    for (let i = 0; i < header.count; i++) tokens[i] = width === 2 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true);
  }
  if (validate) {
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] >= header.vocabSize) {
        throw new FormatError(`${source}: token ${i} is id ${tokens[i]}, outside the vocabulary size ${header.vocabSize} in the header`);
      }
    }
  }
  return { header, tokens };
}

/** Where one split's shard goes. Chunks come in order; the header is known only at the end. */
export interface ShardSink {
  /** Token bytes that follow the header (the first `SHARD_HEADER_BYTES` bytes are reserved for it). */
  write(chunk: Uint8Array): void | Promise<void>;
  /** The final header; called once, after the last chunk. */
  close(header: Uint8Array): void | Promise<void>;
  /** Called instead of `close` when preparation fails, to discard partial output. */
  abort?(error: unknown): void | Promise<void>;
}

/** One document: a string, or its text in chunks (e.g. a file read as a stream). */
export type CorpusDocument = string | Iterable<string> | AsyncIterable<string>;
/** A single string is one document; otherwise each element is a document. */
export type CorpusSource = string | Iterable<CorpusDocument> | AsyncIterable<CorpusDocument>;

export interface PrepareShardsOptions {
  /** Fraction of the tokens that goes to validation, in [0, 1). Default 0.1. */
  valFraction?: number;
  /**
   * The split is made in blocks of this many tokens (default 2048): block `i` goes to validation when
   * `floor((i + 1) · valFraction) > floor(i · valFraction)`, so it is deterministic, spread over the whole
   * corpus, and needs no look-ahead. Make it at least the model's context length.
   */
  splitBlockTokens?: number;
  /** Appended after every document. Default: the tokenizer's end-of-text id; `null` for none. */
  documentSeparator?: number | null;
  /** Passed to the tokenizer. Default `'all'`: literal special tokens in the text become their ids. */
  allowedSpecial?: AllowedSpecial;
  onProgress?: (progress: PrepareProgress) => void;
}

export interface PrepareProgress {
  documents: number;
  tokens: number;
  trainTokens: number;
  valTokens: number;
}

export interface PrepareShardsResult {
  train: ShardHeader;
  val: ShardHeader;
  documents: number;
}

/** Flush a split's buffer to its sink every this many tokens. */
const FLUSH_TOKENS = 1 << 16;

class SplitWriter {
  count = 0;
  private buffer: Uint8Array;
  private fill = 0;
  constructor(
    private readonly sink: ShardSink,
    private readonly dtype: ShardDtype,
    private readonly vocabSize: number,
  ) {
    this.buffer = new Uint8Array(FLUSH_TOKENS * bytesPer(dtype));
  }
  async push(ids: ArrayLike<number>, from: number, to: number): Promise<void> {
    const width = bytesPer(this.dtype);
    while (from < to) {
      const n = Math.min(to - from, FLUSH_TOKENS - this.fill / width);
      writeIds(ids, from, from + n, this.vocabSize, this.dtype, this.buffer, this.fill);
      this.fill += n * width;
      this.count += n;
      from += n;
      if (this.fill === this.buffer.length) await this.flush();
    }
  }
  async flush(): Promise<void> {
    if (this.fill === 0) return;
    // A fresh buffer each time: an async sink may still hold the previous one.
    const full = this.buffer.subarray(0, this.fill);
    this.buffer = new Uint8Array(this.buffer.length);
    this.fill = 0;
    await this.sink.write(full);
  }
}

async function* chunksOf(doc: CorpusDocument): AsyncGenerator<string> {
  if (typeof doc === 'string') {
    yield doc;
    return;
  }
  if (doc === null || typeof doc !== 'object' || !(Symbol.iterator in doc || Symbol.asyncIterator in doc)) {
    throw new ShapeError(`prepareShards: a document must be a string or an iterable of strings, got ${describeValue(doc)}`);
  }
  yield* doc as AsyncIterable<string>;
}

/**
 * Tokenize a corpus and stream the ids into a train and a validation shard. Memory use is bounded by the
 * tokenizer's stream buffer and two 64 Ki-token buffers, so corpora larger than memory can be prepared.
 */
export async function prepareShards(
  source: CorpusSource,
  tokenizer: Tokenizer,
  sinks: { train: ShardSink; val: ShardSink },
  options: PrepareShardsOptions = {},
): Promise<PrepareShardsResult> {
  const valFraction = options.valFraction ?? 0.1;
  const blockTokens = options.splitBlockTokens ?? 2048;
  const separator = options.documentSeparator === undefined ? tokenizer.eotId : options.documentSeparator ?? undefined;
  if (typeof valFraction !== 'number' || !(valFraction >= 0 && valFraction < 1)) {
    throw new ShapeError(`prepareShards: valFraction must be in [0, 1), got ${describeValue(valFraction)}`);
  }
  if (!Number.isInteger(blockTokens) || blockTokens < 1) {
    throw new ShapeError(`prepareShards: splitBlockTokens must be a positive integer, got ${describeValue(blockTokens)}`);
  }
  if (separator !== undefined && !(Number.isInteger(separator) && separator >= 0 && separator < tokenizer.vocabSize)) {
    throw new TokenizerError(`prepareShards: documentSeparator ${describeValue(separator)} is not an id of the vocabulary [0, ${tokenizer.vocabSize})`);
  }
  const dtype = shardDtypeFor(tokenizer.vocabSize);
  const train = new SplitWriter(sinks.train, dtype, tokenizer.vocabSize);
  const val = new SplitWriter(sinks.val, dtype, tokenizer.vocabSize);
  let position = 0;
  let documents = 0;

  const route = async (ids: ArrayLike<number>): Promise<void> => {
    let i = 0;
    while (i < ids.length) {
      const block = Math.floor(position / blockTokens);
      const n = Math.min(ids.length - i, (block + 1) * blockTokens - position);
      const toVal = Math.floor((block + 1) * valFraction) > Math.floor(block * valFraction);
      await (toVal ? val : train).push(ids, i, i + n);
      i += n;
      position += n;
    }
  };

  try {
    const docs: Iterable<CorpusDocument> | AsyncIterable<CorpusDocument> = typeof source === 'string' ? [source] : source;
    if (docs === null || typeof docs !== 'object' || !(Symbol.iterator in docs || Symbol.asyncIterator in docs)) {
      throw new ShapeError(`prepareShards: source must be a string or an iterable of documents, got ${describeValue(source)}`);
    }
    for await (const doc of docs) {
      for await (const ids of tokenizer.encodeStream(chunksOf(doc), { allowedSpecial: options.allowedSpecial })) await route(ids);
      if (separator !== undefined) await route([separator]);
      documents++;
      options.onProgress?.({ documents, tokens: position, trainTokens: train.count, valTokens: val.count });
    }
    const contentTokens = position - (separator === undefined ? 0 : documents);
    if (contentTokens === 0) throw new TokenizerError(`prepareShards: the corpus is empty (${documents} document(s), 0 tokens of text)`);
    if (valFraction > 0 && val.count === 0) {
      throw new TokenizerError(
        `prepareShards: the validation split is empty: ${position} tokens make ${Math.ceil(position / blockTokens)} block(s) of ` +
          `${blockTokens} and none is due for validation at valFraction ${valFraction}; lower splitBlockTokens (e.g. to ${Math.max(1, Math.floor((position * valFraction) / 4))})`,
      );
    }
    await train.flush();
    await val.flush();
  } catch (error) {
    await Promise.all([sinks.train.abort?.(error), sinks.val.abort?.(error)]);
    throw error;
  }
  const header = (count: number): ShardHeader => ({ version: SHARD_VERSION, dtype, vocabSize: tokenizer.vocabSize, count });
  await sinks.train.close(encodeShardHeader(header(train.count)));
  await sinks.val.close(encodeShardHeader(header(val.count)));
  return { train: header(train.count), val: header(val.count), documents };
}

/** A sink that assembles the shard in memory; `bytes()` is available after `close`. */
export function memoryShardSink(): ShardSink & { bytes(): Uint8Array } {
  const chunks: Uint8Array[] = [];
  let result: Uint8Array | undefined;
  return {
    write(chunk) {
      chunks.push(chunk);
    },
    close(header) {
      let total = header.length;
      for (const c of chunks) total += c.length;
      result = new Uint8Array(total);
      result.set(header, 0);
      let offset = header.length;
      for (const c of chunks) {
        result.set(c, offset);
        offset += c.length;
      }
      chunks.length = 0;
    },
    bytes() {
      if (result === undefined) throw new WasmGptError('memoryShardSink: bytes() called before the shard was closed');
      return result;
    },
  };
}

/** `prepareShards` into memory: returns both shards as bytes (what `decodeShard` and the files contain). */
export async function prepareShardsInMemory(
  source: CorpusSource,
  tokenizer: Tokenizer,
  options: PrepareShardsOptions = {},
): Promise<PrepareShardsResult & { trainBytes: Uint8Array; valBytes: Uint8Array }> {
  const train = memoryShardSink();
  const val = memoryShardSink();
  const result = await prepareShards(source, tokenizer, { train, val }, options);
  return { ...result, trainBytes: train.bytes(), valBytes: val.bytes() };
}
