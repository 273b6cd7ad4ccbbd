/**
 * Reading and writing byte-level BPE vocabularies: GPT-2's vocab.json + merges.txt, Hugging Face
 * tokenizer.json, and tiktoken rank files. Parsers check everything and throw `FormatError` naming the file,
 * the line or entry and what was expected; the tokenizer (bpe.ts) only sees parsed maps and lists.
 */
import { FormatError, TokenizerError, describeValue } from '../errors.js';
import { parseJsonInput } from './base.js';
import { BYTE_TO_CHAR } from './bytes.js';
import { MAX_TIKTOKEN_TOKEN_BYTES } from './vocab-limits.js';

export type MergeList = string | readonly (string | readonly [string, string])[];

/** Parse merges given as merges.txt text or as tokenizer.json's list ("a b" strings or [a, b] pairs). */
export function parseMerges(merges: MergeList, source: string): Array<[string, string]> {
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

export function parseVocab(vocab: string | Readonly<Record<string, number>>, source: string): Map<string, number> {
  const parsed = parseJsonInput(vocab, source);
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

/** What a vocabulary file holds, ready for the tokenizer's constructor. */
export interface ParsedBPE {
  vocab: Map<string, number>;
  merges: Array<[string, string]>;
  specialTokens: string[];
  ignoreMerges: boolean;
}

/** A Hugging Face `tokenizer.json` (text or parsed) whose model is BPE with a ByteLevel pre-tokenizer. */
export function parseTokenizerJson(json: string | object): ParsedBPE {
  const file = 'tokenizer.json';
  const root = parseJsonInput(json, file);
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
  return {
    vocab,
    merges: parseMerges((model.merges ?? []) as MergeList, `${file} model.merges`),
    specialTokens: specials,
    ignoreMerges: model.ignore_merges === true,
  };
}

/**
 * A tiktoken ranks file (`<base64 token> <rank>` per line). Merges are recovered from the ranks: each token is
 * the merge of the two pieces that BPE with all lower-ranked tokens splits it into.
 */
export function parseTiktoken(text: string, specialTokens: Readonly<Record<string, number>>): ParsedBPE {
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
  const specialEntries = Object.entries(specialTokens);
  for (const [token, id] of specialEntries) {
    if (!Number.isInteger(id) || id < 0) throw new FormatError(`${file}: special token ${describeValue(token)} has id ${describeValue(id)}`);
    if (byRank[id] !== undefined) throw new FormatError(`${file}: special token ${describeValue(token)} id ${id} is already the rank of a token`);
    vocab.set(token, id);
  }
  return { vocab, merges, specialTokens: specialEntries.map(([t]) => t), ignoreMerges: false };
}

/** GPT-2's `vocab.json` entries (`"token": id`) in id order; `tokens[id]` is undefined for unused ids. */
export function vocabEntries(tokens: readonly (string | undefined)[]): string[] {
  const entries: string[] = [];
  for (let id = 0; id < tokens.length; id++) {
    const token = tokens[id];
    if (token !== undefined) entries.push(`${JSON.stringify(token)}: ${id}`);
  }
  return entries;
}

/** GPT-2's `merges.txt` format, with its `#version: 0.2` header. */
export function mergesTxt(merges: readonly (readonly [string, string])[]): string {
  let out = '#version: 0.2\n';
  for (const [a, b] of merges) out += `${a} ${b}\n`;
  return out;
}

/** A Hugging Face `tokenizer.json` (ByteLevel pre-tokenizer and decoder, BPE model). */
export function tokenizerJson(
  tokens: readonly (string | undefined)[], merges: readonly (readonly [string, string])[],
  specialTokens: ReadonlyMap<string, number>, ignoreMerges: boolean,
): string {
  const addedTokens = [...specialTokens].map(([content, id]) => ({
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
      ignore_merges: ignoreMerges,
      vocab: '\u0000VOCAB\u0000',
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  // The vocabulary is written by hand so entries stay in id order (JSON.stringify would hoist integer-like keys).
  return JSON.stringify(doc, null, 2).replace('"\\u0000VOCAB\\u0000"', () => `{\n      ${vocabEntries(tokens).join(',\n      ')}\n    }`);
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
