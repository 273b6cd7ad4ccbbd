/**
 * Limits on a vocabulary read from a file, checked before anything is sized by a number written in it: ids
 * (and tiktoken ranks) must be dense, 0…n-1 for n entries (special tokens included), so no table is ever larger
 * than the file has entries, and a single id of 1e9 is refused instead of allocating a billion slots.
 */
import { FormatError } from '../errors.js';

/**
 * Longest token a tiktoken ranks file may hold, in bytes. OpenAI's files top out at 128; recovering a token's
 * merge costs its length squared, so the bound keeps loading linear in the file's size.
 */
export const MAX_TIKTOKEN_TOKEN_BYTES = 256;

/** Throws `FormatError` naming `file` unless the ids of `vocab` are exactly 0…vocab.size-1. */
export function checkDenseIds(vocab: ReadonlyMap<string, number>, file: string): void {
  const n = vocab.size;
  const owner = new Array<string | undefined>(n);
  const show = (token: string) => JSON.stringify(token.length > 40 ? token.slice(0, 40) + '…' : token);
  for (const [token, id] of vocab) {
    if (!Number.isInteger(id) || id < 0) throw new FormatError(`${file}: token ${show(token)} has id ${id}; ids are non-negative integers`, { file });
    if (id >= n) {
      throw new FormatError(`${file}: token ${show(token)} has id ${id}, but the vocabulary has ${n} entries: ids must run 0…${n - 1} with no gaps`, { file });
    }
    const previous = owner[id];
    if (previous !== undefined) throw new FormatError(`${file}: id ${id} is used by both ${show(previous)} and ${show(token)}`, { file });
    owner[id] = token;
  }
}
