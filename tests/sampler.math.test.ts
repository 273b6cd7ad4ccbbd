/**
 * The sampler's float64 arithmetic on fixed logits: truncation sets, renormalised probabilities, and draw
 * frequencies (statistical, with fixed seeds), plus the logits rules and the UTF-8 / stop-string text assembly.
 *
 * Statistical tolerance: over N draws, token i's count c_i is binomial(N, p_i); each check allows
 * |c_i/N − p_i| ≤ 5·√(p_i(1 − p_i)/N) + 1/N. A correct sampler fails one such check with probability < 6e-7,
 * so a dozen tokens per test stay far from flaky; with fixed seeds the outcome is deterministic anyway. A
 * sampler that ignored the truncation or the temperature misses by tens of σ at N = 40,000.
 */
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../src/data/rng.js';
import { Distribution, applyScoreRules, argmax, largest, logSoftmax, type Truncation } from '../src/sampler/logits.js';
import { TextAssembler } from '../src/sampler/text.js';
import { CharTokenizer } from '../src/tokenizer/char.js';
import { trainByteLevelBPE } from '../src/tokenizer/train-bpe.js';

const LOGITS = Float64Array.from([1.2, -0.3, 2.5, 0.0, 2.5, -2.0, 0.7, 1.9, -1.1, 0.4, 3.1, -0.6]);
const V = LOGITS.length;
const N = 40_000;
const none: Truncation = { temperature: 1, topK: 0, topP: 1, minP: 0 };

function softmax(z: ArrayLike<number>, T = 1): number[] {
  const m = Math.max(...Array.from(z));
  const e = Array.from(z, (x) => Math.exp((x - m) / T));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Ids sorted by probability, most likely first, lower id on ties (the sampler's order). */
function ranked(p: number[]): number[] {
  return p.map((_, i) => i).sort((a, b) => p[b] - p[a] || a - b);
}

/** The expected distribution: p restricted to `keep`, renormalised. */
function restrict(p: number[], keep: number[]): number[] {
  const s = keep.reduce((a, i) => a + p[i], 0);
  return p.map((x, i) => (keep.includes(i) ? x / s : 0));
}

function drawCounts(t: Truncation, seed: number): number[] {
  const d = new Distribution(V);
  const rng = new SeededRng(seed);
  const counts = new Array<number>(V).fill(0);
  for (let n = 0; n < N; n++) counts[d.build(LOGITS, t).draw(rng.nextFloat())]++;
  return counts;
}

function expectFrequencies(counts: number[], want: number[], label: string) {
  counts.forEach((c, i) => {
    const p = want[i];
    if (p === 0) {
      expect(c, `${label}: token ${i} is outside the kept set but was drawn`).toBe(0);
      return;
    }
    const bound = 5 * Math.sqrt((p * (1 - p)) / N) + 1 / N;
    expect(Math.abs(c / N - p), `${label}: token ${i} frequency ${c / N} vs probability ${p}`).toBeLessThanOrEqual(bound);
  });
}

function expectDistribution(t: Truncation, want: number[], label: string) {
  const d = new Distribution(V).build(LOGITS, t);
  want.forEach((p, i) => expect(d.probability(i), `${label}: p(${i})`).toBeCloseTo(p, 12));
  expectFrequencies(drawCounts(t, 11), want, label);
}

describe('sampling arithmetic (float64, fixed seeds)', () => {
  it('temperature reshapes the distribution to softmax(z / T); T → 0 keeps only the argmax', () => {
    for (const T of [0.5, 1, 2]) expectDistribution({ ...none, temperature: T }, softmax(LOGITS, T), `T=${T}`);
    // The hotter distribution is flatter: its entropy is larger.
    const entropy = (p: number[]) => -p.reduce((a, x) => a + (x > 0 ? x * Math.log(x) : 0), 0);
    expect(entropy(softmax(LOGITS, 2))).toBeGreaterThan(entropy(softmax(LOGITS, 0.5)));
    const cold = new Distribution(V).build(LOGITS, { ...none, temperature: 1e-9 });
    expect(cold.count).toBe(1);
    expect(cold.draw(0.999)).toBe(argmax(LOGITS));
    expect(argmax(LOGITS)).toBe(10);
  });

  it('top-k never draws outside the k most likely, and draws those with renormalised probabilities', () => {
    const p = softmax(LOGITS);
    for (const k of [1, 3, 5]) expectDistribution({ ...none, topK: k }, restrict(p, ranked(p).slice(0, k)), `top-${k}`);
    // Ties at the boundary (ids 2 and 4 share 2.5): exactly k kept, the lower id first.
    const d = new Distribution(V).build(LOGITS, { ...none, topK: 3 });
    expect(Array.from(d.ids.subarray(0, d.count))).toEqual([10, 2, 4]);
    expect(new Distribution(V).build(LOGITS, { ...none, topK: 2 }).probability(4)).toBe(0);
  });

  it('top-p never draws outside the nucleus, and draws it with renormalised probabilities', () => {
    const p = softmax(LOGITS);
    const order = ranked(p);
    for (const topP of [0.3, 0.6, 0.9, 0.999]) {
      const nucleus: number[] = [];
      let cum = 0;
      for (const i of order) {
        nucleus.push(i);
        cum += p[i];
        if (cum >= topP) break;
      }
      expectDistribution({ ...none, topP }, restrict(p, nucleus), `top-p ${topP}`);
    }
  });

  it('combined: temperature → top-k → top-p (nucleus of the renormalised top-k) → min-p', () => {
    const T = 1.7;
    const p = softmax(LOGITS, T);
    const topK = ranked(p).slice(0, 6);
    const q = restrict(p, topK);
    const nucleus: number[] = [];
    let cum = 0;
    for (const i of ranked(q).filter((i) => q[i] > 0)) {
      nucleus.push(i);
      cum += q[i];
      if (cum >= 0.7) break;
    }
    expectDistribution({ temperature: T, topK: 6, topP: 0.7, minP: 0 }, restrict(p, nucleus), 'T, top-k, top-p');
    // min-p keeps p ≥ minP·p_max, whatever else is on.
    const pmax = Math.max(...p);
    const minP = 0.4;
    const kept = p.map((x, i) => i).filter((i) => p[i] >= minP * pmax);
    expectDistribution({ temperature: T, topK: 0, topP: 1, minP }, restrict(p, kept), 'min-p');
    expectDistribution({ temperature: T, topK: 6, topP: 0.7, minP }, restrict(p, nucleus.filter((i) => kept.includes(i))), 'all four');
  });

  it('a large vocabulary: top-p prefilters candidates without changing the nucleus', () => {
    const big = new Float64Array(50_000).map((_, i) => Math.sin(i * 12.9898) * 6);
    const p = softmax(big);
    const order = ranked(p);
    let cum = 0;
    let size = 0;
    for (const i of order) {
      cum += p[i];
      size++;
      if (cum >= 0.95) break;
    }
    const d = new Distribution(big.length).build(big, { ...none, topP: 0.95 });
    expect(d.count).toBe(size);
    expect(Array.from(d.ids.subarray(0, d.count))).toEqual(order.slice(0, size));
  });

  it('largest() returns the k largest above a floor, largest first', () => {
    const out = new Int32Array(V);
    expect(Array.from(out.subarray(0, largest(LOGITS, 4, -Infinity, out)))).toEqual([10, 2, 4, 7]);
    expect(largest(LOGITS, 20, 1.0, out)).toBe(5);
  });

  it('repetition penalty divides positive and multiplies negative logits of context tokens, once each', () => {
    const scores = new Float64Array(V);
    const seen = new Uint8Array(V);
    applyScoreRules(scores, LOGITS, [2, 5, 2, 2], { repetitionPenalty: 2, noRepeatNgramSize: 0 }, seen);
    expect(scores[2]).toBe(1.25);
    expect(scores[5]).toBe(-4);
    expect(scores[0]).toBe(1.2);
    expect(seen.every((x) => x === 0)).toBe(true);
  });

  it('no-repeat n-gram bans exactly the tokens that would repeat an n-gram of the context', () => {
    const scores = new Float64Array(V);
    const seen = new Uint8Array(V);
    const banned = () => Array.from(scores.keys()).filter((i) => scores[i] === -Infinity);
    // context 1 2 3 1 2 4 1 2: the bigram prefix "1 2" was followed by 3 and 4 → trigrams ban 3 and 4.
    applyScoreRules(scores, LOGITS, [1, 2, 3, 1, 2, 4, 1, 2], { repetitionPenalty: 1, noRepeatNgramSize: 3 }, seen);
    expect(banned()).toEqual([3, 4]);
    applyScoreRules(scores, LOGITS, [1, 2, 3, 1, 2, 4, 1, 2], { repetitionPenalty: 1, noRepeatNgramSize: 2 }, seen);
    expect(banned()).toEqual([3, 4]); // "2 x" seen with x = 3, 4
    applyScoreRules(scores, LOGITS, [7, 7, 0], { repetitionPenalty: 1, noRepeatNgramSize: 1 }, seen);
    expect(banned()).toEqual([0, 7]);
    // If everything would be banned, nothing is (a one-token vocabulary cannot avoid repeating).
    const tiny = Float64Array.from([0.5]);
    const s1 = new Float64Array(1);
    applyScoreRules(s1, tiny, [0, 0], { repetitionPenalty: 1, noRepeatNgramSize: 1 }, new Uint8Array(1));
    expect(s1[0]).toBe(0.5);
  });

  it('logSoftmax is the float64 log of the softmax', () => {
    const out = new Float64Array(V);
    logSoftmax(out, LOGITS);
    softmax(LOGITS).forEach((p, i) => expect(out[i]).toBeCloseTo(Math.log(p), 14));
  });
});

describe('text assembly', () => {
  it('characters split over byte tokens come out whole, once complete', () => {
    const bytes = trainByteLevelBPE('x', { vocabSize: 257 }); // no merges: one token per byte
    const text = 'a€b😀';
    const ids = bytes.encode(text);
    expect(ids.length).toBe(1 + 3 + 1 + 4);
    const t = new TextAssembler(bytes, []);
    const pieces = ids.map((id) => t.push(id));
    expect(pieces).toEqual(['a', '', '', '€', 'b', '', '', '', '😀']);
    expect(t.finish()).toBe('');
    expect(t.text).toBe(text);
    // An incomplete character at the end becomes U+FFFD, as tokenizer.decode does.
    const cut = new TextAssembler(bytes, []);
    ids.slice(0, 3).forEach((id) => cut.push(id));
    expect(cut.finish()).toBe('\uFFFD');
    expect(cut.text).toBe(bytes.decode(ids.slice(0, 3)));
  });

  it('stop strings spanning tokens: text ends before them, and no piece of them is ever emitted', () => {
    const chars = CharTokenizer.fromCorpus('abcdefgh ');
    const t = new TextAssembler(chars, ['cde', 'x']);
    const pieces = [...'abcdefg'].map((c) => t.push(chars.encode(c)[0]));
    expect(pieces).toEqual(['a', 'b', '', '', '', '', '']);
    expect(t.stopped).toBe(true);
    expect(t.text).toBe('ab');
    // A held-back prefix that does not complete is released by the next character.
    const u = new TextAssembler(chars, ['cde']);
    expect([...'acdcf'].map((c) => u.push(chars.encode(c)[0]))).toEqual(['a', '', '', 'cd', 'cf']);
    expect(u.stopped).toBe(false);
    expect(u.finish()).toBe('');
    // Released at the end when the stop string never comes.
    const w = new TextAssembler(chars, ['cde']);
    expect([...'abcd'].map((c) => w.push(chars.encode(c)[0])).join('')).toBe('ab');
    expect(w.finish()).toBe('cd');
    expect(w.text).toBe('abcd');
  });
});
