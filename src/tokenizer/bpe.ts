import { FormatError, TokenizerError, describeValue } from '../errors.js';
import { BaseTokenizer, DEFAULT_EOT_TOKEN, checkSpecialTokenList } from './base.js';
import { BpeMerger } from './bpe-merge.js';
import { mergesTxt, parseMerges, parseTiktoken, parseTokenizerJson, parseVocab, tokenizerJson, vocabEntries, type MergeList, type ParsedBPE } from './bpe-files.js';
import { BYTE_TO_CHAR, bytesToUnicode, unicodeToBytes, utf8Decode, utf8EncodeInto } from './bytes.js';
import { PieceCache } from './piece-cache.js';
import { STREAM_SAFETY_MARGIN, gpt2PieceEnd } from './pretokenize.js';
import { checkDenseIds } from './vocab-limits.js';

export interface ByteLevelBPEOptions {
  /**
   * Vocabulary entries that are special tokens (kept whole, never merged, matched literally in text).
   * Default: `['<|endoftext|>']` when the vocabulary contains it, else none. Each must be in the vocabulary.
   */
  specialTokens?: readonly string[];
  /** Special token used as document separator (`eotId`). Default `'<|endoftext|>'`; `null` for none. */
  eotToken?: string | null;
  /** How many distinct pre-tokens to remember the encoding of (default 100 000; 0 disables the cache). */
  cacheSize?: number;
}

export interface TiktokenOptions extends Omit<ByteLevelBPEOptions, 'specialTokens'> {
  /** Special tokens and their ids, e.g. `{ '<|endoftext|>': 50256 }` for r50k_base (GPT-2/GPT-3). */
  specialTokens?: Readonly<Record<string, number>>;
}

const DEFAULT_CACHE_SIZE = 100_000;

interface SourceNames {
  vocab: string;
  merges: string;
}

/**
 * GPT-2-style byte-level BPE: text is split into pre-tokens, each pre-token's UTF-8 bytes start as single-byte
 * tokens and the lowest-ranked adjacent pair is merged until no pair has a rank. Any string can be encoded;
 * `decode(encode(s)) === s` for well-formed strings, and lone surrogates come back as U+FFFD (what TextEncoder
 * does to them), i.e. `decode(encode(s)) === s.toWellFormed()`.
 */
export class ByteLevelBPETokenizer extends BaseTokenizer {
  readonly kind = 'byte-level-bpe' as const;
  readonly vocabSize: number;
  /** Number of merges (the rank of a merge is its index). */
  readonly mergeCount: number;

  private readonly tokens: (string | undefined)[];
  private readonly ids: Map<string, number>;
  private readonly tokenBytes: (Uint8Array | undefined)[];
  private readonly byteIds = new Int32Array(256);
  private readonly mergeLeft: Int32Array;
  private readonly mergeRight: Int32Array;
  private readonly merger: BpeMerger;
  private readonly ignoreMerges: boolean;
  private readonly cache: PieceCache;
  private scratchBytes = new Uint8Array(256);
  private scratchIds = new Int32Array(256);

  private constructor(
    vocab: Map<string, number>,
    merges: Array<[string, string]>,
    specialTokens: readonly string[] | undefined,
    options: ByteLevelBPEOptions,
    names: SourceNames,
    ignoreMerges: boolean,
  ) {
    const specialList = specialTokens ?? (vocab.has(DEFAULT_EOT_TOKEN) ? [DEFAULT_EOT_TOKEN] : []);
    checkSpecialTokenList(specialList, names.vocab);
    const specials = new Map<string, number>();
    for (const token of specialList) {
      const id = vocab.get(token);
      if (id === undefined) {
        throw new TokenizerError(`special token ${describeValue(token)} is not in the vocabulary (${names.vocab})`);
      }
      specials.set(token, id);
    }
    super(specials, options.eotToken === undefined ? DEFAULT_EOT_TOKEN : options.eotToken);

    for (let b = 0; b < 256; b++) {
      const id = vocab.get(BYTE_TO_CHAR[b]);
      if (id === undefined || specials.has(BYTE_TO_CHAR[b])) {
        throw new FormatError(
          `${names.vocab}: byte 0x${b.toString(16).padStart(2, '0')} has no token ${describeValue(BYTE_TO_CHAR[b])}; a byte-level BPE needs all 256`,
        );
      }
      this.byteIds[b] = id;
    }

    checkDenseIds(vocab, names.vocab);
    let maxId = -1;
    for (const id of vocab.values()) if (id > maxId) maxId = id;
    this.vocabSize = maxId + 1;
    this.tokens = new Array<string | undefined>(this.vocabSize);
    this.tokenBytes = new Array<Uint8Array | undefined>(this.vocabSize);
    this.ids = vocab;
    for (const [token, id] of vocab) {
      this.tokens[id] = token;
      if (specials.has(token)) continue;
      const bytes = unicodeToBytes(token);
      if (bytes === undefined || bytes.length === 0) {
        throw new FormatError(
          `${names.vocab}: token ${describeValue(token)} (id ${id}) is not written in GPT-2's byte-to-unicode alphabet; ` +
            `declare it in specialTokens if it is a special token`,
        );
      }
      this.tokenBytes[id] = bytes;
    }
    this.mergeCount = merges.length;
    this.mergeLeft = new Int32Array(merges.length);
    this.mergeRight = new Int32Array(merges.length);
    const mergeResult = new Int32Array(merges.length);
    for (let r = 0; r < merges.length; r++) {
      const [a, b] = merges[r];
      const where = `${names.merges} merge #${r + 1} (${describeValue(a + ' ' + b)})`;
      const left = vocab.get(a);
      const right = vocab.get(b);
      const result = vocab.get(a + b);
      if (left === undefined) throw new FormatError(`${where}: left token ${describeValue(a)} is not in the vocabulary`);
      if (right === undefined) throw new FormatError(`${where}: right token ${describeValue(b)} is not in the vocabulary`);
      if (result === undefined) throw new FormatError(`${where}: merged token ${describeValue(a + b)} is not in the vocabulary`);
      if (specials.has(a) || specials.has(b) || specials.has(a + b)) {
        throw new FormatError(`${where}: special tokens cannot take part in merges`);
      }
      this.mergeLeft[r] = left;
      this.mergeRight[r] = right;
      mergeResult[r] = result;
    }
    this.merger = new BpeMerger(this.mergeLeft, this.mergeRight, mergeResult);
    this.ignoreMerges = ignoreMerges;
    const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) {
      throw new TokenizerError(`cacheSize must be a non-negative integer, got ${describeValue(cacheSize)}`);
    }
    this.cache = new PieceCache(cacheSize);
  }

  /**
   * From GPT-2's `vocab.json` (text or parsed object) and `merges.txt` (text, or a list of "a b" / [a, b]).
   * Special tokens default to `<|endoftext|>` when the vocabulary has it.
   */
  static fromVocabMerges(
    vocab: string | Readonly<Record<string, number>>,
    merges: MergeList,
    options: ByteLevelBPEOptions = {},
  ): ByteLevelBPETokenizer {
    return new ByteLevelBPETokenizer(
      parseVocab(vocab, 'vocab.json'),
      parseMerges(merges, 'merges.txt'),
      options.specialTokens,
      options,
      { vocab: 'vocab.json', merges: 'merges.txt' },
      false,
    );
  }

  /**
   * From a Hugging Face `tokenizer.json` (text or parsed) whose model is BPE with a ByteLevel pre-tokenizer
   * (GPT-2, GPT-J, RoBERTa-style vocabularies and the ones we save). Its `added_tokens` become special tokens.
   */
  static fromTokenizerJson(json: string | object, options: Omit<ByteLevelBPEOptions, 'specialTokens'> = {}): ByteLevelBPETokenizer {
    const file = 'tokenizer.json';
    return ByteLevelBPETokenizer.#fromParsed(parseTokenizerJson(json), options, { vocab: `${file} model.vocab`, merges: `${file} model.merges` });
  }

  /**
   * From a tiktoken ranks file (`<base64 token> <rank>` per line, e.g. r50k_base.tiktoken which GPT-2 and GPT-3
   * use). Merges are recovered from the ranks: each token is the merge of the two pieces that BPE with all
   * lower-ranked tokens splits it into.
   */
  static fromTiktoken(text: string, options: TiktokenOptions = {}): ByteLevelBPETokenizer {
    const parsed = parseTiktoken(text, options.specialTokens ?? {});
    const file = 'tiktoken ranks';
    return ByteLevelBPETokenizer.#fromParsed(parsed, { eotToken: options.eotToken, cacheSize: options.cacheSize }, { vocab: file, merges: file });
  }

  static #fromParsed(p: ParsedBPE, options: ByteLevelBPEOptions, names: SourceNames): ByteLevelBPETokenizer {
    return new ByteLevelBPETokenizer(p.vocab, p.merges, p.specialTokens, options, names, p.ignoreMerges);
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 ? this.tokens[id] : undefined;
  }

  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** The merges in rank order, as pairs of vocabulary tokens. */
  merges(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (let r = 0; r < this.mergeCount; r++) out.push([this.tokens[this.mergeLeft[r]] as string, this.tokens[this.mergeRight[r]] as string]);
    return out;
  }

  /** GPT-2's `vocab.json` format (entries in id order). */
  toVocabJson(): string {
    return `{${vocabEntries(this.tokens).join(', ')}}`;
  }

  /** GPT-2's `merges.txt` format, with its `#version: 0.2` header. */
  toMergesTxt(): string {
    return mergesTxt(this.merges());
  }

  /** A Hugging Face `tokenizer.json` (ByteLevel pre-tokenizer and decoder, BPE model). */
  toTokenizerJson(): string {
    return tokenizerJson(this.tokens, this.merges(), this.specialTokens, this.ignoreMerges);
  }

  save(): string {
    return this.toTokenizerJson();
  }

  /** Bytes of every id, specials included (undefined for ids outside the vocabulary); built on first decode. */
  private decodeTable: (Uint8Array | undefined)[] | undefined;
  /** Each id's text when its bytes are complete UTF-8 on their own (most tokens), else undefined. */
  private decodeStrings: (string | undefined)[] | undefined;

  private buildDecodeTables(): void {
    const table = this.tokenBytes.slice();
    for (const id of this.specialTokens.values()) table[id] = this.bytesOf(id, 0);
    const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    const strings = new Array<string | undefined>(this.vocabSize);
    for (let id = 0; id < this.vocabSize; id++) {
      const bytes = table[id];
      if (bytes === undefined) continue;
      try {
        strings[id] = strict.decode(bytes);
      } catch {
        // Part of a multi-byte character: only the byte path can join it with its neighbours.
      }
    }
    this.decodeTable = table;
    this.decodeStrings = strings;
  }

  /** UTF-8 bytes of ids[from, to); throws the checked error for the first id outside the vocabulary. */
  private bytesRange(ids: ArrayLike<number>, from: number, to: number): Uint8Array {
    const table = this.decodeTable as (Uint8Array | undefined)[];
    let total = 0;
    for (let i = from; i < to; i++) {
      const bytes = table[ids[i]];
      if (bytes === undefined) this.bytesOf(ids[i], i); // throws, naming the id and its position
      else total += bytes.length;
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (let i = from; i < to; i++) {
      const bytes = table[ids[i]] as Uint8Array;
      for (let j = 0; j < bytes.length; j++) out[offset++] = bytes[j];
    }
    return out;
  }

  override decodeBytes(ids: ArrayLike<number>): Uint8Array {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') return super.decodeBytes(ids);
    if (this.decodeTable === undefined) this.buildDecodeTables();
    return this.bytesRange(ids, 0, ids.length);
  }

  /**
   * Joins cached per-token strings; only runs of tokens holding parts of characters go through bytes. That is
   * exact: a token that is complete UTF-8 starts on a character boundary, where a UTF-8 decoder's state resets.
   */
  override decode(ids: ArrayLike<number>): string {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') return super.decode(ids);
    if (this.decodeStrings === undefined) this.buildDecodeTables();
    const strings = this.decodeStrings as (string | undefined)[];
    let text = '';
    let partialFrom = -1;
    for (let i = 0; i < ids.length; i++) {
      const s = strings[ids[i]];
      if (s === undefined) {
        if (partialFrom < 0) partialFrom = i;
        continue;
      }
      if (partialFrom >= 0) {
        text += utf8Decode(this.bytesRange(ids, partialFrom, i));
        partialFrom = -1;
      }
      text += s;
    }
    if (partialFrom >= 0) text += utf8Decode(this.bytesRange(ids, partialFrom, ids.length));
    return text;
  }

  protected ordinaryTokenBytes(id: number): Uint8Array | undefined {
    return id >= 0 && id < this.vocabSize ? this.tokenBytes[id] : undefined;
  }

  protected encodeOrdinary(text: string, out: number[], final: boolean, specialMayStartAt: number): number {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const end = gpt2PieceEnd(text, i, n);
      if (!final && end + STREAM_SAFETY_MARGIN > specialMayStartAt) break;
      this.encodePiece(text.slice(i, end), out);
      i = end;
    }
    return final ? n : i;
  }

  private encodePiece(piece: string, out: number[]): void {
    if (this.cache.appendTo(piece, out)) return;
    const result = this.bpe(piece);
    this.cache.set(piece, result);
    for (let i = 0; i < result.length; i++) out.push(result[i]);
  }

  private bpe(piece: string): Int32Array {
    if (this.scratchBytes.length < piece.length * 3) {
      const size = piece.length * 3 * 2;
      this.scratchBytes = new Uint8Array(size);
      this.scratchIds = new Int32Array(size);
    }
    const n = utf8EncodeInto(piece, this.scratchBytes);
    if (this.ignoreMerges) {
      const whole = this.ids.get(bytesToUnicode(this.scratchBytes.subarray(0, n)));
      if (whole !== undefined) return Int32Array.of(whole);
    }
    const ids = this.scratchIds;
    for (let i = 0; i < n; i++) ids[i] = this.byteIds[this.scratchBytes[i]];
    const len = this.merger.merge(ids, n);
    return ids.slice(0, len);
  }
}
