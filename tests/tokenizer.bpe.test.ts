import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, TokenizerError } from '../src/errors.js';
import { ByteLevelBPETokenizer, GPT2_SPLIT_PATTERN, loadTokenizer, pretokenize, trainByteLevelBPE } from '../src/tokenizer/index.js';
import { BYTES_IN_GPT2_ORDER, BYTE_TO_CHAR } from '../src/tokenizer/bytes.js';
import { loadTokenizerFile, loadVocabMergesFiles } from '../src/tokenizer/node-io.js';
import { VARIED_CORPUS, unicodeText, wellFormed } from './tokenizer.fixtures.js';

/** The 256 byte tokens with GPT-2's ids, plus `extra`. */
function byteVocab(extra: Record<string, number> = {}): Record<string, number> {
  const vocab: Record<string, number> = {};
  BYTES_IN_GPT2_ORDER.forEach((b, id) => (vocab[BYTE_TO_CHAR[b]] = id));
  return { ...vocab, ...extra };
}

const TINY_VOCAB = byteVocab({ he: 256, ll: 257, hell: 258, '<|endoftext|>': 259 });
const TINY_MERGES = '#version: 0.2\nh e\nl l\nhe ll\n';

describe('byte-level BPE on a hand-made vocabulary', () => {
  const tok = ByteLevelBPETokenizer.fromVocabMerges(TINY_VOCAB, TINY_MERGES);

  it('maps bytes like GPT-2 and merges by rank', () => {
    expect(tok.vocabSize).toBe(260);
    expect(tok.encode('hello')).toEqual([258, 78]); // "hell" + "o" (GPT-2's id for "o" is 78)
    expect(tok.encode(' hello')).toEqual([220, 258, 78]); // no " h" merge: the space stays a byte token (Ġ = 220)
    expect(tok.encode('hel')).toEqual([256, 75]);
    expect(tok.encode('\u0000')).toEqual([188]); // bytes outside the printable ranges start at 188
    expect(tok.decode([258, 78, 259, 220])).toBe('hello<|endoftext|> ');
    expect(tok.eotId).toBe(259);
  });

  it('pre-tokenises like GPT-2', () => {
    expect(pretokenize("I'm  here,   it's 42!\n\n ok")).toEqual(['I', "'m", ' ', ' here', ',', '  ', ' it', "'s", ' 42', '!', '\n\n', ' ok']);
  });

  it('gives the same ids with the cache off, tiny, or default', () => {
    const text = VARIED_CORPUS.join(' ') + ' hello hell hello';
    const expected = tok.encode(text);
    const uncached = ByteLevelBPETokenizer.fromVocabMerges(TINY_VOCAB, TINY_MERGES, { cacheSize: 0 });
    const tiny = ByteLevelBPETokenizer.fromVocabMerges(TINY_VOCAB, TINY_MERGES, { cacheSize: 3 });
    expect(uncached.encode(text)).toEqual(expected);
    expect(tiny.encode(text)).toEqual(expected);
    expect(tiny.encode(text)).toEqual(expected);
  });

  it('merges long pieces (heap path) the same as short ones', () => {
    // 'hell' repeated inside one letter run of 4000 bytes vs the same run cut into separate short pieces.
    const long = tok.encode('hell'.repeat(1000) + 'o');
    expect(long).toEqual([...Array<number>(1000).fill(258), 78]);
    expect(tok.encode('l'.repeat(501))).toEqual([...Array<number>(250).fill(257), 75]);
  });

  it('round-trips arbitrary text through the 256 byte tokens', () => {
    for (const text of VARIED_CORPUS) expect(tok.decode(tok.encode(text))).toBe(wellFormed(text));
  });

  it('rejects ids outside the vocabulary on decode, naming the id and position', () => {
    expect(() => tok.decode([1, 260])).toThrow(TokenizerError);
    expect(() => tok.decode([1, 260])).toThrow(/token id 260 at position 1 .*\[0, 260\)/);
    expect(() => tok.decode([-1])).toThrow(/token id -1 at position 0/);
    expect(() => tok.decode([1.5])).toThrow(/token id 1.5/);
  });

  it('refuses ids with gaps, so no table is sized by a number written in the file', () => {
    // 257 entries: ids must be 0…256. One id of 1e9 used to allocate a billion-slot table.
    expect(() => ByteLevelBPETokenizer.fromVocabMerges(byteVocab({ zz: 300 }), [])).toThrow(
      /vocab.json: token "zz" has id 300, but the vocabulary has 257 entries: ids must run 0…256 with no gaps/,
    );
    expect(() => ByteLevelBPETokenizer.fromVocabMerges(byteVocab({ zz: 1e9 }), [])).toThrow(FormatError);
    expect(ByteLevelBPETokenizer.fromVocabMerges(byteVocab({ zz: 256 }), []).vocabSize).toBe(257);
  });

  it('rejects unknown special tokens', () => {
    expect(() => tok.encode('x', { allowedSpecial: ['<|im_start|>'] })).toThrow(TokenizerError);
    expect(() => tok.encode('x', { allowedSpecial: ['<|im_start|>'] })).toThrow(/"<\|im_start\|>".*known: "<\|endoftext\|>"/);
    expect(() => ByteLevelBPETokenizer.fromVocabMerges(TINY_VOCAB, TINY_MERGES, { specialTokens: ['<|pad|>'] })).toThrow(
      /special token "<\|pad\|>" is not in the vocabulary \(vocab.json\)/,
    );
    expect(() => ByteLevelBPETokenizer.fromVocabMerges(TINY_VOCAB, TINY_MERGES, { eotToken: '<|eos|>' })).toThrow(
      /end-of-text token "<\|eos\|>" is not one of the special tokens/,
    );
  });
});

describe('malformed vocabulary files', () => {
  const load = (vocab: string | Record<string, number>, merges = '') => () => ByteLevelBPETokenizer.fromVocabMerges(vocab, merges);

  it('vocab.json problems name the token and what was expected', () => {
    expect(load('{"a": 1,')).toThrow(FormatError);
    expect(load('{"a": 1,')).toThrow(/vocab.json is not valid JSON/);
    expect(load('[1, 2]')).toThrow(/vocab.json: expected an object mapping token → id, got Array\(2\)/);
    expect(load(byteVocab({ x: -3 }))).toThrow(/token "x" has id -3, expected a non-negative integer/);
    expect(load(byteVocab({ xy: 2 }))).toThrow(/id 2 is used by both "#" and "xy"/);
    const missing = byteVocab();
    delete missing['Ġ'];
    expect(load(missing)).toThrow(/byte 0x20 has no token "Ġ"/);
    expect(load(byteVocab({ '€uro': 256 }))).toThrow(/token "€uro" \(id 256\) is not written in GPT-2's byte-to-unicode alphabet/);
  });

  it('merges.txt problems name the line and the token', () => {
    const vocab = byteVocab({ he: 256 });
    expect(load(vocab, '#version: 0.2\nh e\nh e x\n')).toThrow(/merges.txt line 3: expected two tokens separated by one space, got "h e x"/);
    expect(load(vocab, 'h e\nq €\n')).toThrow(/merge #2 \("q €"\): right token "€" is not in the vocabulary/);
    expect(load(vocab, 'h e\nl l\n')).toThrow(/merge #2 \("l l"\): merged token "ll" is not in the vocabulary/);
    expect(() => ByteLevelBPETokenizer.fromVocabMerges(vocab, [['h', 'e'], ['x'] as unknown as [string, string]])).toThrow(
      /merges.txt\[1\]: expected "left right" or \[left, right\]/,
    );
  });

  it('tokenizer.json problems name the key', () => {
    const good = JSON.parse(ByteLevelBPETokenizer.fromVocabMerges(TINY_VOCAB, TINY_MERGES).save()) as Record<string, unknown>;
    const variant = (patch: (doc: Record<string, any>) => void) => {
      const doc = structuredClone(good) as Record<string, any>;
      patch(doc);
      return () => ByteLevelBPETokenizer.fromTokenizerJson(JSON.stringify(doc));
    };
    expect(variant(() => {})().encode('hello')).toEqual([258, 78]);
    expect(() => ByteLevelBPETokenizer.fromTokenizerJson('{"model": ')).toThrow(/tokenizer.json is not valid JSON/);
    expect(variant((d) => (d.model.type = 'WordPiece'))).toThrow(/model.type is "WordPiece", expected "BPE"/);
    expect(variant((d) => (d.normalizer = { type: 'NFC' }))).toThrow(/normalizer "NFC" is not supported/);
    expect(variant((d) => (d.pre_tokenizer = { type: 'Whitespace' }))).toThrow(/pre_tokenizer is "Whitespace", expected a ByteLevel pre-tokenizer/);
    expect(variant((d) => (d.pre_tokenizer.add_prefix_space = true))).toThrow(/add_prefix_space = true is not supported/);
    expect(variant((d) => (d.model.continuing_subword_prefix = '##'))).toThrow(/continuing_subword_prefix is "##"/);
    expect(variant((d) => (d.added_tokens[0].id = 5))).toThrow(/added token "<\|endoftext\|>" has id 5 but model.vocab says 259/);
    expect(variant((d) => delete d.model)).toThrow(/missing "model" object/);
    expect(() => loadTokenizer('{"hello": 1}')).toThrow(/expected a Hugging Face tokenizer.json/);
  });

  it('tokenizer.json variants: [a, b] merges, added tokens outside model.vocab, ignore_merges', () => {
    const doc = JSON.parse(ByteLevelBPETokenizer.fromVocabMerges(TINY_VOCAB, TINY_MERGES).save()) as Record<string, any>;
    doc.model.merges = [['h', 'e'], ['l', 'l'], ['he', 'll']];
    delete doc.model.vocab['<|endoftext|>'];
    doc.added_tokens.push({ id: 260, content: '<|pad|>', special: false });
    const tok = ByteLevelBPETokenizer.fromTokenizerJson(doc);
    expect(tok.encode('hello<|pad|><|endoftext|>')).toEqual([258, 78, 260, 259]);
    // With ignore_merges a pre-token that is itself in the vocabulary is taken whole, even if no merge makes it.
    const vocab = byteVocab({ ab: 256 });
    const plain = ByteLevelBPETokenizer.fromVocabMerges(vocab, []);
    const whole = JSON.parse(plain.save()) as Record<string, any>;
    whole.model.ignore_merges = true;
    expect(plain.encode('ab')).toEqual([64, 65]);
    expect(ByteLevelBPETokenizer.fromTokenizerJson(whole).encode('ab')).toEqual([256]);
  });

  it('tiktoken ranks problems name the line', () => {
    const lines = BYTES_IN_GPT2_ORDER.map((b, i) => `${btoa(String.fromCharCode(b))} ${i}`);
    const tok = ByteLevelBPETokenizer.fromTiktoken([...lines, `${btoa('he')} 256`].join('\n'));
    expect(tok.encode('hehe')).toEqual([256, 256]);
    expect(() => ByteLevelBPETokenizer.fromTiktoken([...lines, 'aGU='].join('\n'))).toThrow(/line 257: expected "<base64> <rank>", got "aGU="/);
    expect(() => ByteLevelBPETokenizer.fromTiktoken(lines.slice(1).join('\n'))).toThrow(/line 255: rank 255 is beyond the 255 lines of the file \(ranks run 0…n-1 with no gaps\)/);
    expect(() => ByteLevelBPETokenizer.fromTiktoken([...lines.slice(1), '', ''].join('\n'))).toThrow(/tiktoken ranks: rank 0 is missing/);
    expect(() => ByteLevelBPETokenizer.fromTiktoken([...lines, `${btoa('he')} 1000000000`].join('\n'))).toThrow(/rank 1000000000 is beyond/);
    expect(() => ByteLevelBPETokenizer.fromTiktoken([...lines, `${btoa('h'.repeat(300))} 256`].join('\n'))).toThrow(/a 300-byte token is longer than the 256 bytes/);
    expect(() => ByteLevelBPETokenizer.fromTiktoken([...lines, `${btoa('abc')} 256`].join('\n'))).toThrow(
      /token of rank 256 cannot be formed by merging two lower-ranked tokens/,
    );
  });

  it('file loaders name the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-gpt-bpe-'));
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(byteVocab({ he: 256 })));
    writeFileSync(join(dir, 'merges.txt'), 'h e\nl l\n');
    await expect(loadVocabMergesFiles(join(dir, 'vocab.json'), join(dir, 'missing.txt'))).rejects.toThrow(/cannot read merges file .*missing.txt/);
    await expect(loadVocabMergesFiles(join(dir, 'vocab.json'), join(dir, 'merges.txt'))).rejects.toThrow(
      /vocab.json \+ .*merges.txt: merges.txt merge #2/,
    );
    writeFileSync(join(dir, 'bad.json'), '{"type": "wasm-gpt-char", "version": 9}');
    await expect(loadTokenizerFile(join(dir, 'bad.json'))).rejects.toThrow(/bad.json: char tokenizer JSON: unsupported version 9/);
  });
});

describe('user-defined special tokens', () => {
  const specials = ['<|endoftext|>', '<|a|>', '<|a|>b', '<|im_start|>'];
  const tok = trainByteLevelBPE('a b c ab abc <|a|>b ' + VARIED_CORPUS.slice(0, 5).join(' '), { vocabSize: 300, specialTokens: specials, minFrequency: 1 });
  const id = (t: string) => tok.specialTokens.get(t) as number;

  it('are never split and the longest one wins', () => {
    expect(tok.encode('x<|a|>by<|a|><|im_start|>')).toEqual([...tok.encode('x', { allowedSpecial: 'none' }), id('<|a|>b'), ...tok.encode('y'), id('<|a|>'), id('<|im_start|>')]);
    expect(tok.decode(tok.encode('x<|a|>by<|a|><|im_start|>'))).toBe('x<|a|>by<|a|><|im_start|>');
    expect(tok.encode('<|a|>b', { allowedSpecial: ['<|a|>'] })).toEqual([id('<|a|>'), ...tok.encode('b')]);
    expect(tok.encode('<|a|>', { allowedSpecial: 'none' }).length).toBeGreaterThan(1);
  });

  it('stream correctly when a chunk ends where a longer special could still complete', async () => {
    const filler = 'ab '.repeat(22_000); // past the 64 Ki-char batch size
    const text = filler + 'x<|a|>b<|a|>' + ' tail';
    const whole = tok.encode(text);
    for (let cut = filler.length; cut <= text.length - 5; cut++) {
      const out: number[] = [];
      for await (const ids of tok.encodeStream([text.slice(0, cut), text.slice(cut)])) out.push(...ids);
      expect(out, `cut at ${cut - filler.length}`).toEqual(whole);
    }
  });
});

describe('pre-tokenizer scanner', () => {
  /** The specification: GPT-2's pattern run by the JavaScript regex engine. */
  const byRegex = (text: string) => Array.from(text.matchAll(new RegExp(GPT2_SPLIT_PATTERN, 'gu')), (m) => m[0]);

  it('splits exactly like the GPT-2 regex', () => {
    for (const text of VARIED_CORPUS) expect(pretokenize(text)).toEqual(byRegex(text));
    expect(pretokenize("it's  'S 're'x ' \t\nq")).toEqual(byRegex("it's  'S 're'x ' \t\nq"));
    fc.assert(
      fc.property(unicodeText(120), (text) => {
        expect(pretokenize(text)).toEqual(byRegex(text));
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});
