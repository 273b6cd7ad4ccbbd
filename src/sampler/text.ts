/**
 * Generated tokens to text, one token at a time: UTF-8 safe (a character split over tokens comes out whole,
 * once its last byte arrives) and stop-string aware (text that could still turn out to start a stop string
 * is held back, so nothing emitted is ever taken back).
 */
import type { Tokenizer } from '../tokenizer/types.js';

export class TextAssembler {
  readonly #tokenizer: Tokenizer;
  readonly #stops: readonly string[];
  readonly #decoder = new TextDecoder('utf-8');
  /** Decoded, not yet emitted (held back because it may begin a stop string). */
  #pending = '';
  #text = '';
  #stopped = false;

  constructor(tokenizer: Tokenizer, stopStrings: readonly string[]) {
    this.#tokenizer = tokenizer;
    this.#stops = stopStrings;
  }

  /** Everything emitted so far. */
  get text(): string {
    return this.#text;
  }

  /** True once a stop string has appeared (the text ends just before it). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Adds a token; returns the text that became final with it (often '', never part of a stop string). */
  push(token: number): string {
    if (this.#stopped) return '';
    this.#pending += this.#decoder.decode(this.#tokenizer.decodeBytes([token]), { stream: true });
    let cut = -1;
    for (const s of this.#stops) {
      const at = this.#pending.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.#stopped = true;
      return this.#emit(cut);
    }
    return this.#emit(this.#pending.length - this.#holdBack());
  }

  /** The generation ended without a stop string: releases what was held back (and any incomplete bytes,
   * as U+FFFD, like `tokenizer.decode`). */
  finish(): string {
    if (this.#stopped) return '';
    this.#pending += this.#decoder.decode();
    return this.#emit(this.#pending.length);
  }

  /** Length of the longest suffix of the pending text that is a proper prefix of a stop string. */
  #holdBack(): number {
    const p = this.#pending;
    let hold = 0;
    for (const s of this.#stops) {
      for (let len = Math.min(s.length - 1, p.length); len > hold; len--) {
        if (p.endsWith(s.slice(0, len))) {
          hold = len;
          break;
        }
      }
    }
    return hold;
  }

  /** Emits pending[0, end); after a stop string, drops the rest. */
  #emit(end: number): string {
    const out = this.#pending.slice(0, end);
    this.#pending = this.#stopped ? '' : this.#pending.slice(end);
    this.#text += out;
    return out;
  }
}
