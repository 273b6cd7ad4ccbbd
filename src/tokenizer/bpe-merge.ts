/**
 * The two BPE merge loops over token ids: for each piece, repeatedly merge the adjacent pair of lowest rank
 * (leftmost on ties) until none has a rank. Short pieces (normal words) use an O(n²) scan that is fastest at
 * their size; long ones (whitespace or symbol runs) an O(n log n) heap. Both give the same result.
 */

/** Rank of a pair that has no merge. */
export const NO_MERGE = 0x7fffffff;
/** Pieces longer than this (in bytes) use the O(n log n) heap merge instead of the O(n²) scan. */
const LONG_PIECE_BYTES = 256;

/** Open-addressing hash map from a token-id pair to its merge rank; no allocation per lookup. */
export class PairRankTable {
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly rank: Int32Array;
  private readonly mask: number;

  constructor(lefts: Int32Array, rights: Int32Array) {
    let capacity = 16;
    while (capacity < lefts.length * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.left = new Int32Array(capacity).fill(-1);
    this.right = new Int32Array(capacity);
    this.rank = new Int32Array(capacity);
    for (let r = 0; r < lefts.length; r++) {
      let h = this.slot(lefts[r], rights[r]);
      // Keep the first (lowest) rank when a merges file repeats a pair.
      while (this.left[h] !== -1 && !(this.left[h] === lefts[r] && this.right[h] === rights[r])) h = (h + 1) & this.mask;
      if (this.left[h] === -1) {
        this.left[h] = lefts[r];
        this.right[h] = rights[r];
        this.rank[h] = r;
      }
    }
  }

  private slot(a: number, b: number): number {
    const h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
    return (h ^ (h >>> 15)) & this.mask;
  }

  get(a: number, b: number): number {
    let h = this.slot(a, b);
    for (;;) {
      const l = this.left[h];
      if (l === -1) return NO_MERGE;
      if (l === a && this.right[h] === b) return this.rank[h];
      h = (h + 1) & this.mask;
    }
  }
}

/** Growable binary min-heap of numbers (used with keys packing rank and position). */
class MinHeap {
  private data = new Float64Array(64);
  size = 0;
  push(v: number): void {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const d = this.data;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (d[p] <= v) break;
      d[i] = d[p];
      i = p;
    }
    d[i] = v;
  }
  pop(): number {
    const d = this.data;
    const top = d[0];
    const last = d[--this.size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && d[c + 1] < d[c]) c++;
      if (d[c] >= last) break;
      d[i] = d[c];
      i = c;
    }
    d[i] = last;
    return top;
  }
}

/** Merges by rank: merge r joins `left[r]` and `right[r]` into `result[r]`. */
export class BpeMerger {
  readonly #ranks: PairRankTable;
  readonly #result: Int32Array;
  #ranksScratch = new Int32Array(256);

  constructor(left: Int32Array, right: Int32Array, result: Int32Array) {
    this.#ranks = new PairRankTable(left, right);
    this.#result = result;
  }

  /** Merges ids[0, n) in place; returns the merged length. */
  merge(ids: Int32Array, n: number): number {
    return n > LONG_PIECE_BYTES ? this.#mergeLong(ids, n) : this.#mergeShort(ids, n);
  }

  #scratch(n: number): Int32Array {
    if (this.#ranksScratch.length < n) this.#ranksScratch = new Int32Array(n * 2);
    return this.#ranksScratch;
  }

  /** Repeatedly merge the leftmost lowest-ranked pair; O(n²), fastest for the short pieces of normal text. */
  #mergeShort(ids: Int32Array, n: number): number {
    const ranks = this.#scratch(n);
    const table = this.#ranks;
    for (let i = 0; i + 1 < n; i++) ranks[i] = table.get(ids[i], ids[i + 1]);
    while (n > 1) {
      let best = NO_MERGE;
      let at = -1;
      for (let i = 0; i + 1 < n; i++) {
        if (ranks[i] < best) {
          best = ranks[i];
          at = i;
        }
      }
      if (at < 0) break;
      ids[at] = this.#result[best];
      for (let j = at + 1; j + 1 < n; j++) ids[j] = ids[j + 1];
      for (let j = at + 1; j + 2 < n; j++) ranks[j] = ranks[j + 1];
      n--;
      if (at > 0) ranks[at - 1] = table.get(ids[at - 1], ids[at]);
      if (at + 1 < n) ranks[at] = table.get(ids[at], ids[at + 1]);
    }
    return n;
  }

  /**
   * Same result as `mergeShort` in O(n log n) for long pieces (whitespace runs, long symbol runs): a linked list
   * of symbols and a heap keyed by rank·2³² + position, so ties go to the leftmost pair; stale heap entries are
   * detected by re-checking the pair's rank when popped.
   */
  #mergeLong(ids: Int32Array, n: number): number {
    const table = this.#ranks;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const heap = new MinHeap();
    const SHIFT = 4294967296;
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
      if (i + 1 < n) {
        const r = table.get(ids[i], ids[i + 1]);
        if (r !== NO_MERGE) heap.push(r * SHIFT + i);
      }
    }
    while (heap.size > 0) {
      const key = heap.pop();
      const rank = Math.floor(key / SHIFT);
      const pos = key - rank * SHIFT;
      const right = next[pos];
      // Dead positions have next = -2; changed pairs no longer have this rank.
      if (right < 0 || table.get(ids[pos], ids[right]) !== rank) continue;
      ids[pos] = this.#result[rank];
      const after = next[right];
      next[pos] = after;
      next[right] = -2;
      if (after >= 0) prev[after] = pos;
      const before = prev[pos];
      if (before >= 0) {
        const r = table.get(ids[before], ids[pos]);
        if (r !== NO_MERGE) heap.push(r * SHIFT + before);
      }
      if (after >= 0) {
        const r = table.get(ids[pos], ids[after]);
        if (r !== NO_MERGE) heap.push(r * SHIFT + pos);
      }
    }
    let len = 0;
    for (let i = 0; i >= 0; i = next[i]) ids[len++] = ids[i];
    return len;
  }
}
