import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { encode as referenceEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { ByteLevelBPETokenizer, loadTokenizer } from '../src/tokenizer/index.js';
import { loadVocabMergesFiles } from '../src/tokenizer/node-io.js';
import { loadMobyDick } from '../src/data/corpus.js';
import { VARIED_CORPUS, gpt2VocabFiles, unicodeText, wellFormed } from './tokenizer.fixtures.js';

let gpt2: ByteLevelBPETokenizer;
let vocabText: string;
let mergesText: string;

beforeAll(async () => {
  const { vocabPath, mergesPath } = await gpt2VocabFiles();
  gpt2 = await loadVocabMergesFiles(vocabPath, mergesPath);
  vocabText = readFileSync(vocabPath, 'utf8');
  mergesText = readFileSync(mergesPath, 'utf8');
});

/** gpt-tokenizer with special tokens treated as ordinary text (its r50k API does not map them). */
const reference = (text: string): number[] => referenceEncode(text, { disallowedSpecial: new Set() });

describe('GPT-2 vocabulary files derived from the r50k ranks', () => {
  it('have the layout of the published GPT-2 files', () => {
    const vocab = JSON.parse(vocabText) as Record<string, number>;
    expect(Object.keys(vocab).length).toBe(50257);
    expect(vocab['!']).toBe(0);
    expect(vocab['Ġ']).toBe(220);
    expect(vocab['Ġthe']).toBe(262);
    expect(vocab['<|endoftext|>']).toBe(50256);
    const lines = mergesText.split('\n');
    expect(lines[0]).toBe('#version: 0.2');
    expect(lines.slice(1, 8)).toEqual(['Ġ t', 'Ġ a', 'h e', 'i n', 'r e', 'o n', 'Ġt he']);
    expect(lines.filter((l) => l !== '').length).toBe(1 + 50000);
  });

  it('load with <|endoftext|> as the special end-of-text token', () => {
    expect(gpt2.vocabSize).toBe(50257);
    expect(gpt2.mergeCount).toBe(50000);
    expect(gpt2.eotId).toBe(50256);
    expect([...gpt2.specialTokens]).toEqual([['<|endoftext|>', 50256]]);
    expect(gpt2.idToToken(262)).toBe('Ġthe');
    expect(gpt2.tokenToId('Ġworld')).toBe(995);
  });
});

describe('GPT-2 encoding equals gpt-tokenizer (r50k_base)', () => {
  it('gives known ids', () => {
    expect(gpt2.encode('hello world')).toEqual([31373, 995]);
    expect(gpt2.encode(' the')).toEqual([262]);
    expect(gpt2.encode('  the')).toEqual([220, 262]);
    expect(gpt2.encode("I'm")).toEqual([40, 1101]);
    expect(gpt2.encode('a<|endoftext|>b')).toEqual([64, 50256, 65]);
    expect(gpt2.encode('x\uD800y')).toEqual([87, 4210, 88]); // lone surrogate → U+FFFD's bytes (4210)
  });

  it.each(VARIED_CORPUS.map((text, i) => [i, text] as const))('varied corpus #%i', (_i, text) => {
    expect(gpt2.encode(text)).toEqual(reference(text));
  });

  it('on all of Moby-Dick', async () => {
    const text = await loadMobyDick();
    const ours = gpt2.encode(text);
    expect(ours.length).toBeGreaterThan(250_000);
    expect(ours).toEqual(reference(text));
  });

  it('on random Unicode strings (property)', () => {
    fc.assert(
      fc.property(unicodeText(80), (text) => {
        expect(gpt2.encode(text, { allowedSpecial: 'none' })).toEqual(reference(text));
      }),
      { numRuns: 400, seed: 1234 },
    );
  });

  it('splits at <|endoftext|> exactly like encoding the pieces separately', () => {
    const parts = ['Some code: x = 1\n', '\n\nNext  doc 😀', ' ', ''];
    const text = parts.join('<|endoftext|>');
    const expected = parts.flatMap((p, i) => (i === 0 ? reference(p) : [50256, ...reference(p)]));
    expect(gpt2.encode(text)).toEqual(expected);
    expect(gpt2.encode(text, { allowedSpecial: 'none' })).toEqual(reference(text));
    expect(gpt2.encode(text, { allowedSpecial: ['<|endoftext|>'] })).toEqual(expected);
  });
});

describe('GPT-2 round trips', () => {
  it('decode(encode(s)) is s for well-formed text and s.toWellFormed() with lone surrogates', () => {
    for (const text of VARIED_CORPUS) expect(gpt2.decode(gpt2.encode(text))).toBe(wellFormed(text));
    expect(gpt2.decode(gpt2.encode('a\uDFFFb'))).toBe('a\uFFFDb');
    fc.assert(
      fc.property(unicodeText(100), (text) => {
        expect(gpt2.decode(gpt2.encode(text))).toBe(wellFormed(text));
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  it('decodeBytes gives the exact UTF-8 even when a token holds part of a character', () => {
    const ids = gpt2.encode('😀');
    expect(ids.length).toBeGreaterThan(1); // the emoji's 4 bytes are not a single GPT-2 token
    const bytes = ids.map((id) => gpt2.decodeBytes([id]));
    expect(Buffer.concat(bytes)).toEqual(Buffer.from('😀', 'utf8'));
    expect(gpt2.decode(ids.slice(0, 1))).toContain('\uFFFD');
  });

  it('decode of any id sequence equals UTF-8 decoding of decodeBytes (partial characters included)', () => {
    const utf8 = new TextDecoder();
    // 447, 247 are the two halves of ’ (U+2019); 4210 is U+FFFD's bytes.
    expect(gpt2.decode([447, 247])).toBe('’');
    expect(gpt2.decode([447, 11, 247])).toBe('\uFFFD,\uFFFD');
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 50256 }), fc.constantFrom(447, 247, 4210, 50256, 171, 238)), { maxLength: 40 }), (ids) => {
        expect(gpt2.decode(ids)).toBe(utf8.decode(gpt2.decodeBytes(ids)));
        expect(gpt2.decode(Uint16Array.from(ids))).toBe(gpt2.decode(ids));
      }),
      { numRuns: 1000, seed: 21 },
    );
    expect(() => gpt2.decode([447, 50257])).toThrow(/token id 50257 at position 1/);
    expect(() => gpt2.decodeBytes([-1])).toThrow(/token id -1 at position 0/);
  });

  it('survives save → tokenizer.json → load and vocab.json/merges.txt export unchanged', () => {
    const json = gpt2.save();
    const reloaded = loadTokenizer(json);
    expect(reloaded.kind).toBe('byte-level-bpe');
    for (const text of VARIED_CORPUS) expect(reloaded.encode(text)).toEqual(gpt2.encode(text));
    expect(gpt2.toVocabJson()).toBe(vocabText);
    expect(gpt2.toMergesTxt()).toBe(mergesText);
    const parsed = JSON.parse(json) as { added_tokens: unknown[]; model: { type: string; merges: string[] } };
    expect(parsed.model.type).toBe('BPE');
    expect(parsed.model.merges[0]).toBe('Ġ t');
    expect(parsed.added_tokens).toEqual([
      { id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
    ]);
  });

  it('streams: encodeStream over arbitrary chunkings equals encode', async () => {
    // Longer than the 64 Ki-char batches encodeStream gathers, and dense with pieces whose extent depends on
    // what follows (contractions, whitespace runs, specials, surrogate pairs), so chunk ends land on them.
    const unit = VARIED_CORPUS.slice(0, 20).join('<|endoftext|>') + "<|endoftext|>'ll  \n";
    const text = unit.repeat(Math.ceil(200_000 / unit.length));
    const whole = gpt2.encode(text);
    const wholeNoSpecials = gpt2.encode(text, { allowedSpecial: 'none' });
    const cutList = fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(cutList, fc.boolean(), async (cuts, specials) => {
        const points = [0, ...[...cuts].sort((a, b) => a - b), text.length];
        const chunks = points.slice(1).map((end, i) => text.slice(points[i], end));
        const out: number[] = [];
        let yields = 0;
        for await (const ids of gpt2.encodeStream(chunks, { allowedSpecial: specials ? 'all' : 'none' })) {
          out.push(...ids);
          yields++;
        }
        expect(out).toEqual(specials ? whole : wholeNoSpecials);
        if (cuts.length > 10) expect(yields).toBeGreaterThan(1);
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('streams: a chunk boundary at every position inside pieces that depend on what follows', async () => {
    // The filler pushes the first chunk past the 64 Ki-char batch size so encodeStream encodes at the cut.
    const filler = 'word '.repeat(13_108);
    const tricky = ["you'll", "x'l", "it's'", "'ve'", 'a  \n\nb', 'a \nb', '  \t\n x', '<|endoftext|>', '<|endof x', '😀😀', '123abc', '   ', '!!\uD83D\uDE00'];
    for (const piece of tricky) {
      const text = filler + piece + " tail'll end";
      for (const allowedSpecial of ['all', 'none'] as const) {
        const whole = gpt2.encode(text, { allowedSpecial });
        for (let cut = filler.length - 3; cut <= filler.length + piece.length + 3; cut++) {
          const out: number[] = [];
          for await (const ids of gpt2.encodeStream([text.slice(0, cut), text.slice(cut)], { allowedSpecial })) out.push(...ids);
          expect(out, `${JSON.stringify(piece)} cut at ${cut - filler.length}, specials ${allowedSpecial}`).toEqual(whole);
        }
      }
    }
  });
});
