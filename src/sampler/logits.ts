/**
 * The sampler's arithmetic: logits processing, truncation and the draw. All of it runs in float64 over logits
 * copied out of the kernels' memory, in a fixed order, so the same logits and seed give the same token on
 * every backend and thread count.
 *
 * Order (the conventional one, as in Hugging Face's logits processors and nanoGPT's sample.py):
 *   repetition penalty → no-repeat n-gram bans → temperature → top-k → top-p → min-p → renormalise → draw.
 * Min-p keeps tokens with p ≥ minP·p_max; the most likely token survives top-k and top-p, so min-p's threshold
 * is the same wherever it sits among the truncations, and the kept set is the intersection.
 */

/** What changes the scores before any truncation (both sampling and beam search use it). */
export interface ScoreRules {
  /** CTRL's penalty on every token already in the context: logit/p when positive, logit·p when negative. 1 = off. */
  repetitionPenalty: number;
  /** Tokens that would repeat an n-gram of the context get −∞. 0 = off. */
  noRepeatNgramSize: number;
}

/** How the distribution is truncated before a draw. */
export interface Truncation {
  /** > 0 (greedy decoding never reaches this code). */
  temperature: number;
  /** Keep the k most likely tokens; 0 = all. */
  topK: number;
  /** Keep the smallest set of most likely tokens whose probability (renormalised after top-k) reaches p; 1 = all. */
  topP: number;
  /** Keep tokens with p ≥ minP · p_max; 0 = all. */
  minP: number;
}

/**
 * scores (V) ← logits with the repetition penalty and the n-gram bans for what follows `context` (prompt and
 * generated tokens so far). If the bans would leave no token at all (a tiny vocabulary), they are dropped for
 * this step rather than making the distribution empty.
 */
export function applyScoreRules(scores: Float64Array, logits: ArrayLike<number>, context: readonly number[], rules: ScoreRules, seen: Uint8Array): void {
  const V = scores.length;
  for (let i = 0; i < V; i++) scores[i] = logits[i];
  if (rules.repetitionPenalty !== 1) {
    const p = rules.repetitionPenalty;
    for (const t of context) {
      if (seen[t]) continue;
      seen[t] = 1;
      scores[t] = scores[t] > 0 ? scores[t] / p : scores[t] * p;
    }
    for (const t of context) seen[t] = 0;
  }
  const n = rules.noRepeatNgramSize;
  if (n > 0 && context.length >= n) {
    // Every earlier occurrence of the last n−1 tokens bans the token that followed it.
    const L = context.length;
    let banned = 0;
    for (let i = 0; i + n <= L; i++) {
      let match = true;
      for (let j = 0; j < n - 1 && match; j++) match = context[i + j] === context[L - n + 1 + j];
      const t = context[i + n - 1];
      if (match && !seen[t]) {
        seen[t] = 1;
        banned++;
      }
    }
    for (let i = 0; i + n <= L; i++) {
      const t = context[i + n - 1];
      if (seen[t]) {
        if (banned < V) scores[t] = -Infinity;
        seen[t] = 0;
      }
    }
  }
}

/** Index of the largest score, the lowest index on ties. */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return best;
}

/** out (V) ← log softmax(scores), in float64. */
export function logSoftmax(out: Float64Array, scores: ArrayLike<number>): void {
  const lse = logSumExp(scores);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i] - lse;
}

/** log Σ exp(x), in float64. */
export function logSumExp(x: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i];
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.exp(x[i] - m);
  return m + Math.log(sum);
}

/** log softmax(logits)[token] alone (the model's log-probability of a token). */
export function logProbOf(logits: ArrayLike<number>, token: number): number {
  return logits[token] - logSumExp(logits);
}

/** Is token a ranked before token b: larger weight first, then lower id. */
const before = (w: Float64Array, a: number, b: number) => w[a] > w[b] || (w[a] === w[b] && a < b);

/**
 * The truncated distribution a draw samples from, built in reusable buffers: `ids[0..count)` are the kept
 * tokens in the order the draw walks them, `weights[id]` their unnormalised probabilities, `total` their sum.
 */
export class Distribution {
  readonly weights: Float64Array;
  readonly ids: Int32Array;
  count = 0;
  total = 0;

  constructor(vocabSize: number) {
    this.weights = new Float64Array(vocabSize);
    this.ids = new Int32Array(vocabSize);
  }

  /** Builds the distribution of softmax(scores / T) truncated by top-k, top-p and min-p. */
  build(scores: Float64Array, t: Truncation): this {
    const V = scores.length;
    const w = this.weights;
    const ids = this.ids;
    let m = -Infinity;
    for (let i = 0; i < V; i++) if (scores[i] > m) m = scores[i];
    // w = exp((s − max)/T): the most likely token weighs exactly 1, so min-p's threshold is minP itself.
    // Subtracting before dividing keeps T → 0 finite: every other weight goes to 0, not to NaN.
    let sum = 0;
    for (let i = 0; i < V; i++) {
      w[i] = Math.exp((scores[i] - m) / t.temperature);
      sum += w[i];
    }
    const topK = t.topK > 0 && t.topK < V ? t.topK : 0;
    let n = 0;
    if (topK > 0) {
      n = largest(w, topK, 0, ids);
    } else if (t.topP < 1 || t.minP > 0) {
      // Only candidates need sorting. A token whose probability is below (1 − p)/V can never be in the
      // nucleus: the tokens more likely than it already hold more than p of the mass. Halved for rounding.
      const nucleusFloor = t.topP < 1 ? (0.5 * (1 - t.topP) * sum) / V : 0;
      const floor = Math.max(nucleusFloor, t.minP);
      for (let i = 0; i < V; i++) if (w[i] > 0 && w[i] >= floor) ids[n++] = i;
      ids.subarray(0, n).sort((a, b) => (before(w, a, b) ? -1 : before(w, b, a) ? 1 : 0));
    } else {
      for (let i = 0; i < V; i++) if (w[i] > 0) ids[n++] = i; // no truncation: walk ids in order
    }
    if (t.topP < 1) {
      // The nucleus is measured in the distribution top-k left (all of it without top-k, prefiltered or not).
      let kept = sum;
      if (topK > 0) {
        kept = 0;
        for (let j = 0; j < n; j++) kept += w[ids[j]];
      }
      let cum = 0;
      for (let j = 0; j < n; j++) {
        cum += w[ids[j]];
        if (cum >= t.topP * kept) {
          n = j + 1;
          break;
        }
      }
    }
    if (t.minP > 0) {
      let j = 1; // ids are sorted here, and the first weighs 1 ≥ minP
      while (j < n && w[ids[j]] >= t.minP) j++;
      n = j;
    }
    let total = 0;
    for (let j = 0; j < n; j++) total += w[ids[j]];
    this.count = n;
    this.total = total;
    return this;
  }

  /** The token at cumulative probability u ∈ [0, 1) of the kept, renormalised distribution. */
  draw(u: number): number {
    const x = u * this.total;
    let cum = 0;
    for (let j = 0; j < this.count; j++) {
      cum += this.weights[this.ids[j]];
      if (x < cum) return this.ids[j];
    }
    return this.ids[this.count - 1]; // u·total rounded up to the total
  }

  /** Probability of `id` after truncation and renormalisation (0 if cut). */
  probability(id: number): number {
    for (let j = 0; j < this.count; j++) if (this.ids[j] === id) return this.weights[id] / this.total;
    return 0;
  }
}

/**
 * out[0..n) ← the indices of the k largest values above `floor`, largest first (the lower index on ties);
 * returns n ≤ k. One pass with a min-heap of size k, then a sort of those k.
 */
export function largest(values: Float64Array, k: number, floor: number, out: Int32Array): number {
  const heap = out; // heap[0] is the smallest of those kept so far
  let size = 0;
  for (let id = 0; id < values.length; id++) {
    if (!(values[id] > floor)) continue;
    if (size < k) {
      let i = size++;
      heap[i] = id;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!before(values, heap[p], heap[i])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    } else if (before(values, id, heap[0])) {
      heap[0] = id;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let low = i;
        if (l < size && before(values, heap[low], heap[l])) low = l;
        if (r < size && before(values, heap[low], heap[r])) low = r;
        if (low === i) break;
        [heap[i], heap[low]] = [heap[low], heap[i]];
        i = low;
      }
    }
  }
  heap.subarray(0, size).sort((a, b) => (before(values, a, b) ? -1 : 1));
  return size;
}
