/** Public types shared by every tokenizer. */

/** How special tokens written literally in the input text are treated by `encode`. */
export type AllowedSpecial = 'all' | 'none' | readonly string[];

export interface EncodeOptions {
  /**
   * Which special tokens that appear literally in the text become their single id.
   * `'all'` (default): every special token of this tokenizer; `'none'`: specials are encoded as ordinary text;
   * a list: only those (each must be a special token of this tokenizer, otherwise a `TokenizerError`).
   */
  allowedSpecial?: AllowedSpecial;
}

/** The tokenizer kinds this library implements; `save()` output records it so `loadTokenizer` can dispatch. */
export type TokenizerKind = 'byte-level-bpe' | 'char';

/**
 * Text ⇄ token ids. Implemented by `ByteLevelBPETokenizer` (GPT-2 style) and `CharTokenizer`.
 * All methods are synchronous except `encodeStream`, and none touch the file system (see `node-io` for files).
 */
export interface Tokenizer {
  readonly kind: TokenizerKind;
  /** One more than the largest id; ids are in `[0, vocabSize)`. */
  readonly vocabSize: number;
  /** Special tokens (never split, never produced by merging) and their ids. */
  readonly specialTokens: ReadonlyMap<string, number>;
  /** Id of the end-of-text special (`<|endoftext|>` by default), used as document separator; undefined if none. */
  readonly eotId: number | undefined;

  encode(text: string, options?: EncodeOptions): number[];
  /**
   * Encode text arriving in chunks (e.g. a file stream). The concatenation of the yielded arrays equals
   * `encode(chunks.join(''))`: pieces that could change once more text arrives are held back.
   */
  encodeStream(chunks: Iterable<string> | AsyncIterable<string>, options?: EncodeOptions): AsyncGenerator<number[], void, undefined>;
  /** Ids to text. Byte sequences that are not valid UTF-8 (e.g. half of a character) decode to U+FFFD. */
  decode(ids: ArrayLike<number>): string;
  /** Ids to the exact UTF-8 bytes they stand for; concatenate these when streaming generated tokens. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /** The vocabulary entry for an id as stored in the saved files (GPT-2's byte-to-unicode form for BPE), or undefined. */
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  /** Serialise to a JSON string that `loadTokenizer` reads back (a Hugging Face `tokenizer.json` for BPE). */
  save(): string;
}
