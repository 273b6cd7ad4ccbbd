import { FormatError, TokenizerError, describeValue } from '../errors.js';
import { utf8Decode } from './bytes.js';
import type { AllowedSpecial, EncodeOptions, Tokenizer, TokenizerKind } from './types.js';

export const DEFAULT_EOT_TOKEN = '<|endoftext|>';

/** Re-encoding a growing stream buffer costs time, so chunks are gathered to at least this many chars first. */
const STREAM_BATCH_CHARS = 1 << 16;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A vocabulary file given as JSON text or already parsed: parses text, naming `file` when it is not JSON. */
export function parseJsonInput(input: unknown, file: string): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch (cause) {
    throw new FormatError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

/** Validate a list of special tokens given by a user: non-empty, unique strings. */
export function checkSpecialTokenList(specialTokens: readonly string[], where: string): void {
  if (!Array.isArray(specialTokens)) {
    throw new TokenizerError(`${where}: specialTokens must be an array of strings, got ${describeValue(specialTokens)}`);
  }
  const seen = new Set<string>();
  for (const token of specialTokens) {
    if (typeof token !== 'string' || token.length === 0) {
      throw new TokenizerError(`${where}: special tokens must be non-empty strings, got ${describeValue(token)}`);
    }
    if (seen.has(token)) throw new TokenizerError(`${where}: special token ${describeValue(token)} is listed twice`);
    seen.add(token);
  }
}

/**
 * Shared machinery: special-token splitting, streaming, id validation. Subclasses encode ordinary text
 * (which never contains an allowed special) and provide the bytes of each id.
 */
export abstract class BaseTokenizer implements Tokenizer {
  abstract readonly kind: TokenizerKind;
  abstract readonly vocabSize: number;
  readonly specialTokens: ReadonlyMap<string, number>;
  readonly eotId: number | undefined;
  private readonly specialById = new Map<number, string>();
  private allSpecialsRegex: RegExp | null | undefined;

  protected constructor(specialTokens: ReadonlyMap<string, number>, eotToken: string | null) {
    this.specialTokens = specialTokens;
    for (const [token, id] of specialTokens) this.specialById.set(id, token);
    if (eotToken !== null && eotToken !== DEFAULT_EOT_TOKEN && !specialTokens.has(eotToken)) {
      throw new TokenizerError(
        `end-of-text token ${describeValue(eotToken)} is not one of the special tokens [${[...specialTokens.keys()].map((t) => describeValue(t)).join(', ')}]`,
      );
    }
    this.eotId = eotToken === null ? undefined : specialTokens.get(eotToken);
  }

  /**
   * Encode `text` (free of allowed specials) into `out`. When `final` is false the text continues with unknown
   * characters, and from index `specialMayStartAt` on it may instead be cut by a special token: encode only the
   * pieces that cannot change in either case and return how many characters they cover.
   */
  protected abstract encodeOrdinary(text: string, out: number[], final: boolean, specialMayStartAt: number): number;
  /** UTF-8 bytes of a non-special id, or undefined if the id is not in the vocabulary. */
  protected abstract ordinaryTokenBytes(id: number): Uint8Array | undefined;
  abstract idToToken(id: number): string | undefined;
  abstract tokenToId(token: string): number | undefined;
  abstract save(): string;

  encode(text: string, options?: EncodeOptions): number[] {
    if (typeof text !== 'string') throw new TokenizerError(`encode: text must be a string, got ${describeValue(text)}`);
    const out: number[] = [];
    this.encodeInto(text, this.specialRegex(options?.allowedSpecial), out, true);
    return out;
  }

  async *encodeStream(
    chunks: Iterable<string> | AsyncIterable<string>,
    options?: EncodeOptions,
  ): AsyncGenerator<number[], void, undefined> {
    const special = this.specialRegex(options?.allowedSpecial);
    let buffer = '';
    let attemptAt = STREAM_BATCH_CHARS;
    for await (const chunk of chunks) {
      if (typeof chunk !== 'string') throw new TokenizerError(`encodeStream: chunks must be strings, got ${describeValue(chunk)}`);
      buffer += chunk;
      if (buffer.length < attemptAt) continue;
      const out: number[] = [];
      const consumed = this.encodeInto(buffer, special, out, false);
      buffer = buffer.slice(consumed);
      // A piece that spans the whole buffer (a huge whitespace run) is retried only after the buffer doubles,
      // so the re-scanning stays linear overall.
      attemptAt = Math.max(STREAM_BATCH_CHARS, buffer.length * 2);
      if (out.length > 0) yield out;
    }
    const out: number[] = [];
    this.encodeInto(buffer, special, out, true);
    if (out.length > 0) yield out;
  }

  decode(ids: ArrayLike<number>): string {
    return utf8Decode(this.decodeBytes(ids));
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number') {
      throw new TokenizerError(`decode: ids must be an array or typed array of token ids, got ${describeValue(ids)}`);
    }
    // Two passes (size, then copy) instead of collecting the pieces: no intermediate array per call.
    let total = 0;
    for (let i = 0; i < ids.length; i++) total += this.bytesOf(ids[i], i).length;
    const out = new Uint8Array(total);
    let offset = 0;
    for (let i = 0; i < ids.length; i++) {
      const bytes = this.bytesOf(ids[i], i);
      if (bytes.length > 16) out.set(bytes, offset);
      else for (let j = 0; j < bytes.length; j++) out[offset + j] = bytes[j];
      offset += bytes.length;
    }
    return out;
  }

  private readonly specialBytesCache = new Map<number, Uint8Array>();

  protected bytesOf(id: number, position: number): Uint8Array {
    const ordinary = Number.isInteger(id) ? this.ordinaryTokenBytes(id) : undefined;
    if (ordinary !== undefined) return ordinary;
    const special = this.specialById.get(id);
    if (special !== undefined) {
      let bytes = this.specialBytesCache.get(id);
      if (bytes === undefined) {
        bytes = new TextEncoder().encode(special);
        this.specialBytesCache.set(id, bytes);
      }
      return bytes;
    }
    throw new TokenizerError(
      `decode: token id ${describeValue(id)} at position ${position} is not in the vocabulary (expected an integer in [0, ${this.vocabSize}))`,
    );
  }

  protected specialRegex(allowed: AllowedSpecial | undefined): { re: RegExp; maxLength: number } | null {
    if (allowed === undefined || allowed === 'all') {
      if (this.allSpecialsRegex === undefined) this.allSpecialsRegex = this.buildSpecialRegex([...this.specialTokens.keys()]);
      return this.allSpecialsRegex === null ? null : { re: this.allSpecialsRegex, maxLength: this.maxLength([...this.specialTokens.keys()]) };
    }
    if (allowed === 'none') return null;
    if (!Array.isArray(allowed)) {
      throw new TokenizerError(`encode: allowedSpecial must be 'all', 'none' or an array of special tokens, got ${describeValue(allowed)}`);
    }
    for (const token of allowed) {
      if (typeof token !== 'string' || !this.specialTokens.has(token)) {
        throw new TokenizerError(
          `encode: allowedSpecial lists ${describeValue(token)}, which is not a special token of this tokenizer (known: ${[...this.specialTokens.keys()].map((t) => describeValue(t)).join(', ') || 'none'})`,
        );
      }
    }
    const re = this.buildSpecialRegex(allowed);
    return re === null ? null : { re, maxLength: this.maxLength(allowed) };
  }

  private maxLength(tokens: readonly string[]): number {
    let max = 0;
    for (const t of tokens) max = Math.max(max, t.length);
    return max;
  }

  private buildSpecialRegex(tokens: readonly string[]): RegExp | null {
    if (tokens.length === 0) return null;
    // Longest first so a special that extends another one wins.
    const sorted = [...tokens].sort((a, b) => b.length - a.length);
    return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  }

  /** Encode `text` into `out`; returns the number of characters consumed (all of them when `final`). */
  private encodeInto(text: string, special: { re: RegExp; maxLength: number } | null, out: number[], final: boolean): number {
    let pos = 0;
    if (special !== null) {
      const { re, maxLength } = special;
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        // A longer special might still complete here once more text arrives.
        if (!final && m.index + maxLength > text.length) break;
        if (m.index > pos) this.encodeOrdinary(text.slice(pos, m.index), out, true, m.index - pos);
        out.push(this.specialTokens.get(m[0]) as number);
        pos = m.index + m[0].length;
      }
    }
    const tail = pos === 0 ? text : text.slice(pos);
    if (final) {
      this.encodeOrdinary(tail, out, true, tail.length);
      return text.length;
    }
    const specialMayStartAt = special === null ? tail.length : Math.max(0, text.length - special.maxLength + 1 - pos);
    return pos + this.encodeOrdinary(tail, out, false, specialMayStartAt);
  }
}
