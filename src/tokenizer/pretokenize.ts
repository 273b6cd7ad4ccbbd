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

/**
 * When text arrives in chunks, a piece is final only if the characters that decided its extent are known.
 * Every alternative above looks at most 3 characters past a piece's start (contractions) or 1 past its end
 * (lookahead, greedy runs), so a piece ending this many characters before the known end cannot change.
 */
export const STREAM_SAFETY_MARGIN = 4;

/** Split `text` into GPT-2 pre-tokens (useful to inspect what BPE sees). */
export function pretokenize(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0, n = text.length; i < n; ) {
    const end = gpt2PieceEnd(text, i, n);
    pieces.push(text.slice(i, end));
    i = end;
  }
  return pieces;
}

// A hand-written scanner that returns exactly the regex's pieces, ~4x faster than running the regex. Character
// classes come from the same JavaScript `\p{L}`, `\p{N}` and `\s` tests, cached per code point.
const LETTER = 1;
const NUMBER = 2;
const SPACE = 3;
const OTHER = 4;

const letterRe = /^\p{L}$/u;
const numberRe = /^\p{N}$/u;
const spaceRe = /^\s$/u;

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (letterRe.test(ch)) return LETTER;
  if (numberRe.test(ch)) return NUMBER;
  if (spaceRe.test(ch)) return SPACE;
  return OTHER;
}

/** BMP classes, filled on first use (0 = not yet known); astral ones in a map. */
const bmpClass = new Uint8Array(0x10000);
const astralClass = new Map<number, number>();

function classAt(text: string, i: number, n: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= n) {
    const known = bmpClass[c];
    return known !== 0 ? known : (bmpClass[c] = classify(c));
  }
  const d = text.charCodeAt(i + 1);
  if (d < 0xdc00 || d > 0xdfff) return OTHER; // lone high surrogate
  const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
  let known = astralClass.get(cp);
  if (known === undefined) astralClass.set(cp, (known = classify(cp)));
  return known;
}

/** Index just past the run of `cls` characters starting at `i`. */
function runEnd(text: string, i: number, n: number, cls: number): number {
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (bmpClass[c] !== cls) return i;
      i++;
    } else {
      if (classAt(text, i, n) !== cls) return i;
      i += c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    }
  }
  return n;
}

for (let c = 0; c < 0x80; c++) bmpClass[c] = classify(c);

/** End of the GPT-2 pre-token that starts at `i` (< n) in `text[0, n)`. */
export function gpt2PieceEnd(text: string, i: number, n: number): number {
  const c0 = text.charCodeAt(i);
  if (c0 === 0x27 && i + 1 < n) {
    // 's 't 'm 'd 're 've 'll — tried before everything else at a piece start.
    const c1 = text.charCodeAt(i + 1);
    if (c1 === 0x73 || c1 === 0x74 || c1 === 0x6d || c1 === 0x64) return i + 2;
    if (i + 2 < n) {
      const c2 = text.charCodeAt(i + 2);
      if ((c1 === 0x72 && c2 === 0x65) || (c1 === 0x76 && c2 === 0x65) || (c1 === 0x6c && c2 === 0x6c)) return i + 3;
    }
  }
  let cls = c0 < 0x80 ? bmpClass[c0] : classAt(text, i, n);
  let start = i;
  if (c0 === 0x20 && i + 1 < n) {
    const next = classAt(text, i + 1, n);
    if (next !== SPACE) {
      cls = next;
      start = i + 1;
    }
  }
  if (cls !== SPACE) return runEnd(text, start, n, cls);
  // Whitespace: \s+(?!\S) leaves the last character for the next piece when a non-space follows; a lone
  // whitespace character before a non-space falls through to \s+ and stands alone.
  const end = runEnd(text, i, n, SPACE);
  return end < n && end - i >= 2 ? end - 1 : end;
}
