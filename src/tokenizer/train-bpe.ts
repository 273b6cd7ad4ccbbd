import { TokenizerError, describeValue } from '../errors.js';
import { DEFAULT_EOT_TOKEN, checkSpecialTokenList } from './base.js';
import { BYTES_IN_GPT2_ORDER, BYTE_TO_CHAR, utf8EncodeInto } from './bytes.js';
import { ByteLevelBPETokenizer } from './bpe.js';
import { gpt2PieceEnd } from './pretokenize.js';

export interface TrainProgress {
  phase: 'counting' | 'merging' | 'done';
  /** Merges learned so far and the number needed to reach the target vocabulary. */
  merges: number;
  targetMerges: number;
  /** Distinct pre-tokens ("words") in the corpus, known once counting is done. */
  uniqueWords: number;
  elapsedMs: number;
}

export interface TrainBPEOptions {
  /** Final vocabulary size: 256 byte tokens + learned merges + special tokens. */
  vocabSize: number;
  /** Reserved special tokens, given the last ids. Default `['<|endoftext|>']`. */
  specialTokens?: readonly string[];
  /** Stop merging pairs seen fewer times than this (default 2); reaching it before `vocabSize` is an error. */
  minFrequency?: number;
  /** Called when counting ends, every ~1% of merges, and at the end. */
  onProgress?: (progress: TrainProgress) => void;
}

/** Max-heap of pair keys ordered by count, ties broken by the smaller key (i.e. smaller ids) for determinism. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  private above(i: number, j: number): boolean {
    const ci = this.counts[i];
    const cj = this.counts[j];
    return ci > cj || (ci === cj && this.keys[i] < this.keys[j]);
  }
  private swap(i: number, j: number): void {
    const c = this.counts[i];
    this.counts[i] = this.counts[j];
    this.counts[j] = c;
    const k = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = k;
  }
  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  /** Pops the top into `top` ([count, key]). */
  pop(top: [number, number]): void {
    top[0] = this.counts[0];
    top[1] = this.keys[0];
    const lastCount = this.counts.pop() as number;
    const lastKey = this.keys.pop() as number;
    if (this.keys.length === 0) return;
    this.counts[0] = lastCount;
    this.keys[0] = lastKey;
    let i = 0;
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.above(l, best)) best = l;
      if (r < n && this.above(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Learn a GPT-2-style byte-level BPE from a corpus (a string, or an iterable of documents pre-tokenised
 * separately). Special tokens in the text are cut out and never merged with anything.
 *
 * Incremental: pair counts live in a map and a lazy max-heap; a merge only revisits the words that contain the
 * merged pair (found through a pair → words index), so each merge costs time proportional to where it occurs.
 * Ties between equally frequent pairs go to the pair with the smaller ids, so training is deterministic.
 */
export function trainByteLevelBPE(corpus: string | Iterable<string>, options: TrainBPEOptions): ByteLevelBPETokenizer {
  const started = performance.now();
  const { vocabSize, onProgress } = options;
  const specialTokens = options.specialTokens ?? [DEFAULT_EOT_TOKEN];
  const minFrequency = options.minFrequency ?? 2;
  checkSpecialTokenList(specialTokens, 'trainByteLevelBPE');
  const minVocab = 256 + specialTokens.length;
  if (!Number.isInteger(vocabSize) || vocabSize < minVocab) {
    throw new TokenizerError(
      `trainByteLevelBPE: vocabSize must be an integer ≥ ${minVocab} (256 bytes + ${specialTokens.length} special tokens), got ${describeValue(vocabSize)}`,
    );
  }
  if (vocabSize > 0x7fffffff) throw new TokenizerError(`trainByteLevelBPE: vocabSize ${vocabSize} is too large`);
  if (!Number.isInteger(minFrequency) || minFrequency < 1) {
    throw new TokenizerError(`trainByteLevelBPE: minFrequency must be a positive integer, got ${describeValue(minFrequency)}`);
  }
  const targetMerges = vocabSize - minVocab;
  const report = (phase: TrainProgress['phase'], merges: number, uniqueWords: number): void =>
    onProgress?.({ phase, merges, targetMerges, uniqueWords, elapsedMs: performance.now() - started });

  // 1. Count distinct pre-tokens.
  const wordCounts = new Map<string, number>();
  const specialSplit = specialTokens.length > 0
    ? new RegExp([...specialTokens].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g')
    : null;
  let sawText = false;
  for (const doc of typeof corpus === 'string' ? [corpus] : corpus) {
    if (typeof doc !== 'string') throw new TokenizerError(`trainByteLevelBPE: documents must be strings, got ${describeValue(doc)}`);
    for (const segment of specialSplit === null ? [doc] : doc.split(specialSplit)) {
      for (let i = 0, n = segment.length; i < n; ) {
        const end = gpt2PieceEnd(segment, i, n);
        const word = segment.slice(i, end);
        wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
        sawText = true;
        i = end;
      }
    }
  }
  if (!sawText) throw new TokenizerError('trainByteLevelBPE: the corpus is empty (no text outside special tokens)');
  const uniqueWords = wordCounts.size;
  report('counting', 0, uniqueWords);

  // 2. Words as id sequences, all in one buffer; merges shrink words in place.
  const tokenStrings: string[] = BYTES_IN_GPT2_ORDER.map((b) => BYTE_TO_CHAR[b]);
  const byteId = new Int32Array(256);
  BYTES_IN_GPT2_ORDER.forEach((b, id) => (byteId[b] = id));
  let totalBytes = 0;
  for (const word of wordCounts.keys()) totalBytes += word.length * 3;
  const symbols = new Int32Array(totalBytes);
  const wordStart = new Int32Array(uniqueWords);
  const wordLength = new Int32Array(uniqueWords);
  const wordFreq = new Float64Array(uniqueWords);
  let scratch = new Uint8Array(1024);
  let offset = 0;
  let w = 0;
  for (const [word, count] of wordCounts) {
    if (scratch.length < word.length * 3) scratch = new Uint8Array(word.length * 6);
    const n = utf8EncodeInto(word, scratch);
    wordStart[w] = offset;
    wordLength[w] = n;
    wordFreq[w] = count;
    for (let i = 0; i < n; i++) symbols[offset + i] = byteId[scratch[i]];
    offset += n;
    w++;
  }
  wordCounts.clear();

  // Pair key = left * K + right with K = vocabSize, exact in a double for any realistic vocabulary.
  const K = vocabSize;
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, number[]>();
  const addPair = (key: number, count: number, word: number): void => {
    pairCount.set(key, (pairCount.get(key) ?? 0) + count);
    const list = pairWords.get(key);
    if (list === undefined) pairWords.set(key, [word]);
    else if (list[list.length - 1] !== word) list.push(word);
  };
  for (let i = 0; i < uniqueWords; i++) {
    const s = wordStart[i];
    for (let j = s; j + 1 < s + wordLength[i]; j++) addPair(symbols[j] * K + symbols[j + 1], wordFreq[i], i);
  }
  const heap = new PairHeap();
  for (const [key, count] of pairCount) heap.push(count, key);

  // 3. Merge.
  const tokenIds = new Map<string, number>(tokenStrings.map((t, i) => [t, i]));
  const merges: Array<[string, string]> = [];
  const visited = new Int32Array(uniqueWords).fill(-1);
  const changed = new Set<number>();
  const top: [number, number] = [0, 0];
  const progressEvery = Math.max(1, Math.floor(targetMerges / 100));
  let nextId = 256;
  while (nextId < 256 + targetMerges) {
    if (heap.size === 0) break;
    heap.pop(top);
    const [count, key] = top;
    if (pairCount.get(key) !== count) continue; // stale entry: the pair's count changed since it was pushed
    if (count < minFrequency) break;
    const a = Math.floor(key / K);
    const b = key - a * K;
    const merged = tokenStrings[a] + tokenStrings[b];
    // Two different pairs can spell the same string (ab+c, a+bc); they share one id, as in GPT-2's files.
    let c = tokenIds.get(merged);
    if (c === undefined) {
      c = nextId++;
      tokenIds.set(merged, c);
      tokenStrings.push(merged);
    }
    merges.push([tokenStrings[a], tokenStrings[b]]);
    const mergeIndex = merges.length;

    for (const word of pairWords.get(key) ?? []) {
      if (visited[word] === mergeIndex) continue;
      visited[word] = mergeIndex;
      const s = wordStart[word];
      const len = wordLength[word];
      const freq = wordFreq[word];
      let contains = false;
      for (let j = s; j + 1 < s + len; j++) {
        if (symbols[j] === a && symbols[j + 1] === b) {
          contains = true;
          break;
        }
      }
      if (!contains) continue; // the index keeps words whose pair was merged away; they are skipped here
      for (let j = s; j + 1 < s + len; j++) {
        const k = symbols[j] * K + symbols[j + 1];
        pairCount.set(k, (pairCount.get(k) as number) - freq);
        changed.add(k);
      }
      let out = s;
      for (let j = s; j < s + len; j++) {
        if (j + 1 < s + len && symbols[j] === a && symbols[j + 1] === b) {
          symbols[out++] = c;
          j++;
        } else {
          symbols[out++] = symbols[j];
        }
      }
      wordLength[word] = out - s;
      for (let j = s; j + 1 < out; j++) {
        const k = symbols[j] * K + symbols[j + 1];
        addPair(k, freq, word);
        changed.add(k);
      }
    }
    pairCount.delete(key);
    pairWords.delete(key);
    changed.delete(key);
    for (const k of changed) {
      const n = pairCount.get(k) as number;
      if (n > 0) heap.push(n, k);
      else {
        pairCount.delete(k);
        pairWords.delete(k);
      }
    }
    changed.clear();
    if (merges.length % progressEvery === 0) report('merging', nextId - 256, uniqueWords);
  }

  const learned = nextId - 256;
  if (learned < targetMerges) {
    throw new TokenizerError(
      `trainByteLevelBPE: vocabSize ${vocabSize} is larger than this corpus allows: only ${learned} merges occur ` +
        `at least ${minFrequency} time(s), so the largest reachable vocabulary is ${minVocab + learned} ` +
        `(256 bytes + ${learned} merges + ${specialTokens.length} special tokens); use more text, a smaller vocabSize, or a lower minFrequency`,
    );
  }
  const vocab: Record<string, number> = Object.create(null) as Record<string, number>;
  tokenStrings.forEach((t, id) => (vocab[t] = id));
  specialTokens.forEach((t, i) => {
    if (Object.prototype.hasOwnProperty.call(vocab, t)) {
      throw new TokenizerError(`trainByteLevelBPE: special token ${describeValue(t)} coincides with a learned token; choose a different name`);
    }
    vocab[t] = nextId + i;
  });
  report('done', learned, uniqueWords);
  return ByteLevelBPETokenizer.fromVocabMerges(vocab, merges, { specialTokens });
}
