/**
 * Remembers the encoding of recent pre-tokens (most text repeats a small set of words). Bounded: when full,
 * the oldest eighth is dropped (a Map iterates in insertion order, so its first keys are the oldest).
 */
export class PieceCache {
  readonly #map = new Map<string, number | Int32Array>();
  readonly #limit: number;

  /** `limit` 0 disables the cache. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Appends the cached ids of `piece` to `out`; false when it is not cached. */
  appendTo(piece: string, out: number[]): boolean {
    const cached = this.#map.get(piece);
    if (cached === undefined) return false;
    if (typeof cached === 'number') out.push(cached);
    else for (let i = 0; i < cached.length; i++) out.push(cached[i]);
    return true;
  }

  set(piece: string, ids: Int32Array): void {
    if (this.#limit === 0) return;
    if (this.#map.size >= this.#limit) this.#evictOldest();
    // A long substring is a view that keeps its whole source text alive (a stream buffer, a file); the cache
    // must hold a copy of just the piece, or it would pin every chunk of a large corpus in memory.
    const key = piece.length >= 13 ? (piece + ' ').slice(0, -1) : piece;
    this.#map.set(key, ids.length === 1 ? ids[0] : ids);
  }

  #evictOldest(): void {
    let toDrop = Math.max(1, this.#limit >> 3);
    for (const key of this.#map.keys()) {
      this.#map.delete(key);
      if (--toDrop === 0) break;
    }
  }
}
