/**
 * GPT-2's pre-tokenisation: text is cut into pieces (contractions, letter runs, digit runs, other-symbol runs,
 * whitespace) and BPE runs inside each piece only. A letter/digit/symbol run takes at most one leading space,
 * and a whitespace run gives up its last space to the following word (`\s+(?!\S)`), which is why " the" is one
 * token while "  the" is " " + " the".
 *
 * `\s`, `\p{L}` and `\p{N}` have JavaScript's meaning. They agree with the Python `regex` package GPT-2 used on
 * all text except a few control/format characters (U+001C–U+001F and U+0085 are whitespace in Python only,
 * U+FEFF in JavaScript only); the reference JS implementations (gpt-tokenizer, js-tiktoken) behave as we do.
 */
export const GPT2_SPLIT_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

export function createGpt2SplitRegex(): RegExp {
  return new RegExp(GPT2_SPLIT_PATTERN, 'gu');
}

/**
 * When text arrives in chunks, a piece is final only if the characters that decided its extent are known.
 * Every alternative above looks at most 3 characters past a piece's start (contractions) or 1 past its end
 * (lookahead, greedy runs), so a piece ending this many characters before the known end cannot change.
 */
export const STREAM_SAFETY_MARGIN = 4;

/** Split `text` into GPT-2 pre-tokens (useful to inspect what BPE sees). */
export function pretokenize(text: string): string[] {
  const re = createGpt2SplitRegex();
  const pieces: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) pieces.push(m[0]);
  return pieces;
}
