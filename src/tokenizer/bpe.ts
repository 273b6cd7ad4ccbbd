import { FormatError, TokenizerError, describeValue } from '../errors.js';
import { BaseTokenizer, DEFAULT_EOT_TOKEN, checkSpecialTokenList } from './base.js';
import { BYTE_TO_CHAR, bytesToUnicode, unicodeToBytes, utf8Decode, utf8EncodeInto } from './bytes.js';
import { STREAM_SAFETY_MARGIN, gpt2PieceEnd } from './pretokenize.js';
import { MAX_TIKTOKEN_TOKEN_BYTES, checkDenseIds } from './vocab-limits.js';

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

const NO_MERGE = 0x7fffffff;
const DEFAULT_CACHE_SIZE = 100_000;
/** Pieces longer than this (in bytes) use the O(n log n) heap merge instead of the O(n²) scan. */
const LONG_PIECE_BYTES = 256;

/** Open-addressing hash map from a token-id pair to its merge rank; no allocation per lookup. */
class PairRankTable {
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly rank: Int32Array;
  private readonly mask: number;

  constructor(lefts: Int32Array, rights: Int32Array) {
    let capacity = 16;
    while (capacity < lefts.length * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.left = new Int32Array(capacity).fill(-1);
    this.right = new Int32Array(capacity);
    this.rank = new Int32Array(capacity);
    for (let r = 0; r < lefts.length; r++) {
      let h = this.slot(lefts[r], rights[r]);
      // Keep the first (lowest) rank when a merges file repeats a pair.
      while (this.left[h] !== -1 && !(this.left[h] === lefts[r] && this.right[h] === rights[r])) h = (h + 1) & this.mask;
      if (this.left[h] === -1) {
        this.left[h] = lefts[r];
        this.right[h] = rights[r];
        this.rank[h] = r;
      }
    }
  }

  private slot(a: number, b: number): number {
    const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
    return (h ^ (h >>> 15)) & this.mask;
  }

  get(a: number, b: number): number {
    let h = this.slot(a, b);
    for (;;) {
      const l = this.left[h];
      if (l === -1) return NO_MERGE;
      if (l === a && this.right[h] === b) return this.rank[h];
      h = (h + 1) & this.mask;
    }
  }
}

/** Growable binary min-heap of numbers (used with keys packing rank and position). */
class MinHeap {
  private data = new Float64Array(64);
  size = 0;
  push(v: number): void {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const d = this.data;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (d[p] <= v) break;
      d[i] = d[p];
      i = p;
    }
    d[i] = v;
  }
  pop(): number {
    const d = this.data;
    const top = d[0];
    const last = d[--this.size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && d[c + 1] < d[c]) c++;
      if (d[c] >= last) break;
      d[i] = d[c];
      i = c;
    }
    d[i] = last;
    return top;
  }
}

type MergeList = string | readonly (string | readonly [string, string])[];

/** Parse merges given as merges.txt text or as tokenizer.json's list ("a b" strings or [a, b] pairs). */
function parseMerges(merges: MergeList, source: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (typeof merges === 'string') {
    const lines = merges.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line === '' || (i === 0 && line.startsWith('#version'))) continue;
      const parts = line.split(' ');
      if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
        throw new FormatError(`${source} line ${i + 1}: expected two tokens separated by one space, got ${describeValue(line)}`);
      }
      out.push([parts[0], parts[1]]);
    }
    return out;
  }
  if (!Array.isArray(merges)) throw new FormatError(`${source}: expected a list of merges, got ${describeValue(merges)}`);
  for (let i = 0; i < merges.length; i++) {
    const entry: unknown = merges[i];
    if (typeof entry === 'string') {
      const parts = entry.split(' ');
      if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
        throw new FormatError(`${source}[${i}]: expected "left right", got ${describeValue(entry)}`);
      }
      out.push([parts[0], parts[1]]);
    } else if (Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && typeof entry[1] === 'string') {
      out.push([entry[0], entry[1]]);
    } else {
      throw new FormatError(`${source}[${i}]: expected "left right" or [left, right], got ${describeValue(entry)}`);
    }
  }
  return out;
}

function parseVocab(vocab: string | Readonly<Record<string, number>>, source: string): Map<string, number> {
  let parsed: unknown = vocab;
  if (typeof vocab === 'string') {
    try {
      parsed = JSON.parse(vocab);
    } catch (cause) {
      throw new FormatError(`${source} is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FormatError(`${source}: expected an object mapping token → id, got ${describeValue(parsed)}`);
  }
  const map = new Map<string, number>();
  for (const [token, id] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0x7ffffffe) {
      throw new FormatError(`${source}: token ${describeValue(token)} has id ${describeValue(id)}, expected a non-negative integer`);
    }
    map.set(token, id);
  }
  if (map.size === 0) throw new FormatError(`${source}: the vocabulary is empty`);
  return map;
}

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
  private readonly mergeResult: Int32Array;
  private readonly pairRanks: PairRankTable;
  private readonly ignoreMerges: boolean;
  private readonly cache = new Map<string, number | Int32Array>();
  private readonly cacheLimit: number;
  private scratchBytes = new Uint8Array(256);
  private scratchIds = new Int32Array(256);
  private scratchRanks = new Int32Array(256);

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
    this.mergeResult = new Int32Array(merges.length);
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
      this.mergeResult[r] = result;
    }
    this.pairRanks = new PairRankTable(this.mergeLeft, this.mergeRight);
    this.ignoreMerges = ignoreMerges;
    const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) {
      throw new TokenizerError(`cacheSize must be a non-negative integer, got ${describeValue(cacheSize)}`);
    }
    this.cacheLimit = cacheSize;
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
    let root: unknown = json;
    if (typeof json === 'string') {
      try {
        root = JSON.parse(json);
      } catch (cause) {
        throw new FormatError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
      }
    }
    if (root === null || typeof root !== 'object') throw new FormatError(`${file}: expected a JSON object, got ${describeValue(root)}`);
    const r = root as Record<string, unknown>;
    const model = r.model as Record<string, unknown> | undefined;
    if (model === null || typeof model !== 'object') throw new FormatError(`${file}: missing "model" object`);
    if (model.type !== undefined && model.type !== 'BPE') {
      throw new FormatError(`${file}: model.type is ${describeValue(model.type)}, expected "BPE"`);
    }
    for (const key of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
      const v = model[key];
      if (v !== undefined && v !== null && v !== '') {
        throw new FormatError(`${file}: model.${key} is ${describeValue(v)}; only byte-level BPE without affixes is supported`);
      }
    }
    if (r.normalizer !== undefined && r.normalizer !== null) {
      const type = (r.normalizer as { type?: unknown }).type;
      throw new FormatError(`${file}: normalizer ${describeValue(type)} is not supported (expected null)`);
    }
    checkByteLevelPreTokenizer(r.pre_tokenizer, file);

    const vocab = parseVocab((model.vocab ?? null) as Record<string, number>, `${file} model.vocab`);
    const specials: string[] = [];
    const added = r.added_tokens ?? [];
    if (!Array.isArray(added)) throw new FormatError(`${file}: added_tokens must be a list, got ${describeValue(added)}`);
    for (let i = 0; i < added.length; i++) {
      const entry = added[i] as { id?: unknown; content?: unknown };
      if (entry === null || typeof entry !== 'object' || typeof entry.content !== 'string' || typeof entry.id !== 'number' || !Number.isInteger(entry.id) || entry.id < 0) {
        throw new FormatError(`${file}: added_tokens[${i}] must have a string "content" and a non-negative integer "id"`);
      }
      const existing = vocab.get(entry.content);
      if (existing !== undefined && existing !== entry.id) {
        throw new FormatError(`${file}: added token ${describeValue(entry.content)} has id ${entry.id} but model.vocab says ${existing}`);
      }
      vocab.set(entry.content, entry.id);
      // Added tokens are never split, whether or not HF marks them "special", so all become specials here.
      if (!specials.includes(entry.content)) specials.push(entry.content);
    }
    return new ByteLevelBPETokenizer(
      vocab,
      parseMerges((model.merges ?? []) as MergeList, `${file} model.merges`),
      specials,
      options,
      { vocab: `${file} model.vocab`, merges: `${file} model.merges` },
      model.ignore_merges === true,
    );
  }

  /**
   * From a tiktoken ranks file (`<base64 token> <rank>` per line, e.g. r50k_base.tiktoken which GPT-2 and GPT-3
   * use). Merges are recovered from the ranks: each token is the merge of the two pieces that BPE with all
   * lower-ranked tokens splits it into.
   */
  static fromTiktoken(text: string, options: TiktokenOptions = {}): ByteLevelBPETokenizer {
    const file = 'tiktoken ranks';
    if (typeof text !== 'string') throw new TokenizerError(`fromTiktoken: text must be a string, got ${describeValue(text)}`);
    // Tokens as binary strings (one char per byte) so they can key a Map and be concatenated cheaply.
    const rankOf = new Map<string, number>();
    const byRank: string[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line === '') continue;
      const [b64, rankText, extra] = line.split(' ');
      const rank = Number(rankText);
      if (extra !== undefined || rankText === undefined || !Number.isInteger(rank) || rank < 0) {
        throw new FormatError(`${file} line ${i + 1}: expected "<base64> <rank>", got ${describeValue(line)}`);
      }
      let bytes: string;
      try {
        bytes = atob(b64);
      } catch (cause) {
        throw new FormatError(`${file} line ${i + 1}: ${describeValue(b64)} is not base64`, { cause });
      }
      // Ranks are dense (0…n-1): a rank past the line count is refused before it sizes anything.
      if (rank >= lines.length) throw new FormatError(`${file} line ${i + 1}: rank ${rank} is beyond the ${lines.length} lines of the file (ranks run 0…n-1 with no gaps)`);
      if (bytes.length > MAX_TIKTOKEN_TOKEN_BYTES) {
        throw new FormatError(`${file} line ${i + 1}: a ${bytes.length}-byte token is longer than the ${MAX_TIKTOKEN_TOKEN_BYTES} bytes this reader accepts`);
      }
      if (byRank[rank] !== undefined) throw new FormatError(`${file} line ${i + 1}: rank ${rank} appears twice`);
      rankOf.set(bytes, rank);
      byRank[rank] = bytes;
    }
    if (rankOf.size !== byRank.length) {
      throw new FormatError(`${file}: rank ${byRank.findIndex((t) => t === undefined)} is missing or two ranks share a token (ranks run 0…n-1 with no gaps)`);
    }
    for (let b = 0; b < 256; b++) {
      if (!rankOf.has(String.fromCharCode(b))) {
        throw new FormatError(`${file}: byte 0x${b.toString(16).padStart(2, '0')} has no token; a byte-level BPE needs all 256`);
      }
    }
    const toUnicode = (binary: string): string => {
      let s = '';
      for (let i = 0; i < binary.length; i++) s += BYTE_TO_CHAR[binary.charCodeAt(i)];
      return s;
    };
    const vocab = new Map<string, number>();
    const merges: Array<[string, string]> = [];
    for (let rank = 0; rank < byRank.length; rank++) {
      const token = byRank[rank];
      if (token === undefined) continue;
      vocab.set(toUnicode(token), rank);
      if (token.length < 2) continue;
      const parts = token.split('');
      for (;;) {
        let best = rank;
        let at = -1;
        for (let i = 0; i + 1 < parts.length; i++) {
          const r = rankOf.get(parts[i] + parts[i + 1]);
          if (r !== undefined && r < best) {
            best = r;
            at = i;
          }
        }
        if (at < 0) break;
        parts.splice(at, 2, parts[at] + parts[at + 1]);
      }
      if (parts.length !== 2) {
        throw new FormatError(`${file}: token of rank ${rank} cannot be formed by merging two lower-ranked tokens`);
      }
      merges.push([toUnicode(parts[0]), toUnicode(parts[1])]);
    }
    const specialEntries = Object.entries(options.specialTokens ?? {});
    for (const [token, id] of specialEntries) {
      if (!Number.isInteger(id) || id < 0) throw new FormatError(`${file}: special token ${describeValue(token)} has id ${describeValue(id)}`);
      if (byRank[id] !== undefined) throw new FormatError(`${file}: special token ${describeValue(token)} id ${id} is already the rank of a token`);
      vocab.set(token, id);
    }
    return new ByteLevelBPETokenizer(
      vocab,
      merges,
      specialEntries.map(([t]) => t),
      { eotToken: options.eotToken, cacheSize: options.cacheSize },
      { vocab: file, merges: file },
      false,
    );
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
    return `{${this.vocabEntries().join(', ')}}`;
  }

  /** GPT-2's `merges.txt` format, with its `#version: 0.2` header. */
  toMergesTxt(): string {
    let out = '#version: 0.2\n';
    for (const [a, b] of this.merges()) out += `${a} ${b}\n`;
    return out;
  }

  /** A Hugging Face `tokenizer.json` (ByteLevel pre-tokenizer and decoder, BPE model). */
  toTokenizerJson(): string {
    const addedTokens = [...this.specialTokens].map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }));
    const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
    const doc = {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: addedTokens,
      normalizer: null,
      pre_tokenizer: byteLevel,
      post_processor: { ...byteLevel, trim_offsets: false },
      decoder: byteLevel,
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: '',
        end_of_word_suffix: '',
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: this.ignoreMerges,
        vocab: '\u0000VOCAB\u0000',
        merges: this.merges().map(([a, b]) => `${a} ${b}`),
      },
    };
    // The vocabulary is written by hand so entries stay in id order (JSON.stringify would hoist integer-like keys).
    return JSON.stringify(doc, null, 2).replace('"\\u0000VOCAB\\u0000"', () => `{\n      ${this.vocabEntries().join(',\n      ')}\n    }`);
  }

  save(): string {
    return this.toTokenizerJson();
  }

  private vocabEntries(): string[] {
    const entries: string[] = [];
    for (let id = 0; id < this.vocabSize; id++) {
      const token = this.tokens[id];
      if (token !== undefined) entries.push(`${JSON.stringify(token)}: ${id}`);
    }
    return entries;
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
    const cached = this.cache.get(piece);
    if (cached !== undefined) {
      if (typeof cached === 'number') out.push(cached);
      else for (let i = 0; i < cached.length; i++) out.push(cached[i]);
      return;
    }
    const result = this.bpe(piece);
    if (this.cacheLimit > 0) {
      if (this.cache.size >= this.cacheLimit) this.evictOldest();
      // A long substring is a view that keeps its whole source text alive (a stream buffer, a file); the cache
      // must hold a copy of just the piece, or it would pin every chunk of a large corpus in memory.
      const key = piece.length >= 13 ? (piece + ' ').slice(0, -1) : piece;
      this.cache.set(key, result.length === 1 ? result[0] : result);
    }
    for (let i = 0; i < result.length; i++) out.push(result[i]);
  }

  private evictOldest(): void {
    // Maps iterate in insertion order, so the first keys are the oldest; drop an eighth at a time.
    let toDrop = Math.max(1, this.cacheLimit >> 3);
    for (const key of this.cache.keys()) {
      this.cache.delete(key);
      if (--toDrop === 0) break;
    }
  }

  private bpe(piece: string): Int32Array {
    if (this.scratchBytes.length < piece.length * 3) {
      const size = piece.length * 3 * 2;
      this.scratchBytes = new Uint8Array(size);
      this.scratchIds = new Int32Array(size);
      this.scratchRanks = new Int32Array(size);
    }
    const n = utf8EncodeInto(piece, this.scratchBytes);
    if (this.ignoreMerges) {
      const whole = this.ids.get(bytesToUnicode(this.scratchBytes.subarray(0, n)));
      if (whole !== undefined) return Int32Array.of(whole);
    }
    const ids = this.scratchIds;
    for (let i = 0; i < n; i++) ids[i] = this.byteIds[this.scratchBytes[i]];
    const len = n > LONG_PIECE_BYTES ? this.mergeLong(ids, n) : this.mergeShort(ids, n);
    return ids.slice(0, len);
  }

  /** Repeatedly merge the leftmost lowest-ranked pair; O(n²), fastest for the short pieces of normal text. */
  private mergeShort(ids: Int32Array, n: number): number {
    const ranks = this.scratchRanks;
    const table = this.pairRanks;
    for (let i = 0; i + 1 < n; i++) ranks[i] = table.get(ids[i], ids[i + 1]);
    while (n > 1) {
      let best = NO_MERGE;
      let at = -1;
      for (let i = 0; i + 1 < n; i++) {
        if (ranks[i] < best) {
          best = ranks[i];
          at = i;
        }
      }
      if (at < 0) break;
      ids[at] = this.mergeResult[best];
      for (let j = at + 1; j + 1 < n; j++) ids[j] = ids[j + 1];
      for (let j = at + 1; j + 2 < n; j++) ranks[j] = ranks[j + 1];
      n--;
      if (at > 0) ranks[at - 1] = table.get(ids[at - 1], ids[at]);
      if (at + 1 < n) ranks[at] = table.get(ids[at], ids[at + 1]);
    }
    return n;
  }

  /**
   * Same result as `mergeShort` in O(n log n) for long pieces (whitespace runs, long symbol runs): a linked list
   * of symbols and a heap keyed by rank·2³² + position, so ties go to the leftmost pair; stale heap entries are
   * detected by re-checking the pair's rank when popped.
   */
  private mergeLong(ids: Int32Array, n: number): number {
    const table = this.pairRanks;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const heap = new MinHeap();
    const SHIFT = 4294967296;
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
      if (i + 1 < n) {
        const r = table.get(ids[i], ids[i + 1]);
        if (r !== NO_MERGE) heap.push(r * SHIFT + i);
      }
    }
    while (heap.size > 0) {
      const key = heap.pop();
      const rank = Math.floor(key / SHIFT);
      const pos = key - rank * SHIFT;
      const right = next[pos];
      // Dead positions have next = -2; changed pairs no longer have this rank.
      if (right < 0 || table.get(ids[pos], ids[right]) !== rank) continue;
      ids[pos] = this.mergeResult[rank];
      const after = next[right];
      next[pos] = after;
      next[right] = -2;
      if (after >= 0) prev[after] = pos;
      const before = prev[pos];
      if (before >= 0) {
        const r = table.get(ids[before], ids[pos]);
        if (r !== NO_MERGE) heap.push(r * SHIFT + before);
      }
      if (after >= 0) {
        const r = table.get(ids[pos], ids[after]);
        if (r !== NO_MERGE) heap.push(r * SHIFT + pos);
      }
    }
    let len = 0;
    for (let i = 0; i >= 0; i = next[i]) ids[len++] = ids[i];
    return len;
  }
}

function checkByteLevelPreTokenizer(pre: unknown, file: string): void {
  const check = (p: unknown, where: string): void => {
    const o = p as Record<string, unknown> | null;
    if (o === null || typeof o !== 'object' || o.type !== 'ByteLevel') {
      throw new FormatError(
        `${file}: ${where} is ${describeValue(o === null || typeof o !== 'object' ? o : o.type)}, expected a ByteLevel pre-tokenizer`,
      );
    }
    if (o.add_prefix_space === true) throw new FormatError(`${file}: ${where}.add_prefix_space = true is not supported`);
    if (o.use_regex === false) throw new FormatError(`${file}: ${where}.use_regex = false is not supported`);
  };
  const p = pre as Record<string, unknown> | null;
  if (p !== null && typeof p === 'object' && p.type === 'Sequence' && Array.isArray(p.pretokenizers) && p.pretokenizers.length === 1) {
    check(p.pretokenizers[0], 'pre_tokenizer.pretokenizers[0]');
  } else {
    check(pre, 'pre_tokenizer');
  }
}
