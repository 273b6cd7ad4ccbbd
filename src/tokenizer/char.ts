import { FormatError, TokenizerError, describeValue } from '../errors.js';
import { BaseTokenizer, DEFAULT_EOT_TOKEN, checkSpecialTokenList, parseJsonInput } from './base.js';
import { utf8Encode } from './bytes.js';

export interface CharTokenizerOptions {
  /** Special tokens appended after the characters. Default `['<|endoftext|>']`; pass `[]` for nanoGPT's exact vocabulary. */
  specialTokens?: readonly string[];
  /** Special token used as document separator (`eotId`). Default `'<|endoftext|>'`; `null` for none. */
  eotToken?: string | null;
}

/** Format tag written by `save()`. */
const CHAR_FORMAT = 'wasm-gpt-char';

/** Split into code points; a lone surrogate counts as one character of its own. */
function codePoints(text: string): string[] {
  return Array.from(text);
}

/**
 * One id per Unicode code point seen in the corpus, sorted by code point (so the ids equal nanoGPT's
 * shakespeare_char ones), then the special tokens. Text with a character outside the vocabulary cannot be encoded.
 * Round trips are exact for any string made of known characters, lone surrogates included.
 */
export class CharTokenizer extends BaseTokenizer {
  readonly kind = 'char' as const;
  readonly vocabSize: number;
  /** The characters, index = id. */
  readonly chars: readonly string[];
  private readonly charIds = new Map<string, number>();
  private readonly charBytes: Uint8Array[];

  private constructor(chars: readonly string[], specialTokens: readonly string[], eotToken: string | null) {
    checkSpecialTokenList(specialTokens, 'CharTokenizer');
    const specials = new Map<string, number>();
    specialTokens.forEach((token, i) => specials.set(token, chars.length + i));
    super(specials, eotToken);
    this.chars = chars;
    this.vocabSize = chars.length + specialTokens.length;
    chars.forEach((c, id) => this.charIds.set(c, id));
    this.charBytes = chars.map((c) => utf8Encode(c));
  }

  /** Build the vocabulary from every character of the corpus (a string or an iterable of documents). */
  static fromCorpus(corpus: string | Iterable<string>, options: CharTokenizerOptions = {}): CharTokenizer {
    const seen = new Set<string>();
    const docs = typeof corpus === 'string' ? [corpus] : corpus;
    for (const doc of docs) {
      if (typeof doc !== 'string') throw new TokenizerError(`CharTokenizer.fromCorpus: documents must be strings, got ${describeValue(doc)}`);
      for (const c of doc) seen.add(c);
    }
    if (seen.size === 0) throw new TokenizerError('CharTokenizer.fromCorpus: the corpus is empty, so there are no characters to build a vocabulary from');
    const chars = [...seen].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number));
    return new CharTokenizer(chars, options.specialTokens ?? [DEFAULT_EOT_TOKEN], options.eotToken === undefined ? DEFAULT_EOT_TOKEN : options.eotToken);
  }

  /** Read what `save()` wrote. */
  static fromJson(json: string | object): CharTokenizer {
    const file = 'char tokenizer JSON';
    const root = parseJsonInput(json, file);
    const r = root as Record<string, unknown> | null;
    if (r === null || typeof r !== 'object' || r.type !== CHAR_FORMAT) {
      throw new FormatError(`${file}: expected "type": "${CHAR_FORMAT}", got ${describeValue(r === null || typeof r !== 'object' ? r : r.type)}`);
    }
    if (r.version !== 1) throw new FormatError(`${file}: unsupported version ${describeValue(r.version)}, expected 1`);
    const { chars, special_tokens: specials, eot_token: eot } = r;
    if (!Array.isArray(chars) || chars.length === 0) throw new FormatError(`${file}: "chars" must be a non-empty list`);
    const seen = new Set<string>();
    chars.forEach((c: unknown, i) => {
      if (typeof c !== 'string' || codePoints(c).length !== 1) {
        throw new FormatError(`${file}: chars[${i}] must be a single character, got ${describeValue(c)}`);
      }
      if (seen.has(c)) throw new FormatError(`${file}: chars[${i}] ${describeValue(c)} appears twice`);
      seen.add(c);
    });
    if (!Array.isArray(specials) || specials.some((s) => typeof s !== 'string')) {
      throw new FormatError(`${file}: "special_tokens" must be a list of strings`);
    }
    if (eot !== null && typeof eot !== 'string') throw new FormatError(`${file}: "eot_token" must be a string or null`);
    return new CharTokenizer(chars as string[], specials as string[], eot);
  }

  save(): string {
    const eot = this.eotId === undefined ? null : [...this.specialTokens].find(([, id]) => id === this.eotId)?.[0] ?? null;
    return JSON.stringify({ type: CHAR_FORMAT, version: 1, chars: this.chars, special_tokens: [...this.specialTokens.keys()], eot_token: eot });
  }

  idToToken(id: number): string | undefined {
    if (!Number.isInteger(id) || id < 0) return undefined;
    if (id < this.chars.length) return this.chars[id];
    for (const [token, special] of this.specialTokens) if (special === id) return token;
    return undefined;
  }

  tokenToId(token: string): number | undefined {
    return this.charIds.get(token) ?? this.specialTokens.get(token);
  }

  /** Faster than going through bytes, and keeps lone surrogates (which UTF-8 cannot carry). */
  override decode(ids: ArrayLike<number>): string {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') return super.decode(ids);
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const c = id >= 0 && id < this.chars.length && Number.isInteger(id) ? this.chars[id] : undefined;
      if (c !== undefined) s += c;
      else s += new TextDecoder().decode(this.bytesOf(id, i));
    }
    return s;
  }

  protected ordinaryTokenBytes(id: number): Uint8Array | undefined {
    return id >= 0 && id < this.chars.length ? this.charBytes[id] : undefined;
  }

  protected encodeOrdinary(text: string, out: number[], final: boolean, specialMayStartAt: number): number {
    // The last character may be the first half of a surrogate pair whose second half is in the next chunk.
    const stop = final ? text.length : Math.min(specialMayStartAt, text.length - 1);
    let i = 0;
    while (i < stop) {
      const cp = text.codePointAt(i) as number;
      const width = cp > 0xffff ? 2 : 1;
      if (!final && i + width > stop) break;
      const c = width === 2 ? text.slice(i, i + 2) : text[i];
      const id = this.charIds.get(c);
      if (id === undefined) {
        throw new TokenizerError(
          `encode: character ${describeValue(c)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')}) is not in this character vocabulary of ${this.chars.length} characters`,
        );
      }
      out.push(id);
      i += width;
    }
    return i;
  }
}
