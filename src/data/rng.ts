import { ShapeError, describeValue } from '../errors.js';

/** The generator's whole state: four unsigned 32-bit integers (JSON-friendly, for exact resumption). */
export type RngState = [number, number, number, number];

/** splitmix32 step, used only to spread a seed over the 128-bit state. */
function splitmix32(x: number): [number, number] {
  const next = (x + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/**
 * xoshiro128** (Blackman & Vigna): a small, fast, well-tested 32-bit generator with a 2¹²⁸−1 period.
 * Identical sequences on every platform; `state()` / `SeededRng.fromState()` resume a sequence exactly.
 * Not cryptographic.
 */
export class SeededRng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** Seed with any safe integer (negative and > 2³² seeds are distinct too). */
  constructor(seed = 0) {
    if (!Number.isSafeInteger(seed)) throw new ShapeError(`SeededRng: seed must be a safe integer, got ${describeValue(seed)}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_32) >>> 0;
    let x = (lo ^ Math.imul(hi, 0x27d4eb2f)) >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [nextX, out] = splitmix32(x);
      x = nextX;
      words.push(out);
    }
    [this.s0, this.s1, this.s2, this.s3] = words;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  static fromState(state: RngState): SeededRng {
    if (!Array.isArray(state) || state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v >= TWO_32)) {
      throw new ShapeError(`SeededRng.fromState: expected 4 unsigned 32-bit integers, got ${describeValue(state)}`);
    }
    if (state.every((v) => v === 0)) throw new ShapeError('SeededRng.fromState: the all-zero state is not valid for xoshiro128**');
    const rng = new SeededRng(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state;
    return rng;
  }

  state(): RngState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** Uniform integer in [0, 2³²). */
  nextUint32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_53;
  }

  /** Uniform integer in [0, n) without modulo bias, for 1 ≤ n ≤ 2⁵³. */
  nextInt(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1) throw new ShapeError(`SeededRng.nextInt: n must be a positive safe integer, got ${describeValue(n)}`);
    if (n <= TWO_32) {
      const limit = TWO_32 - (TWO_32 % n);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % n;
      }
    }
    const limit = TWO_53 - (TWO_53 % n);
    for (;;) {
      const x = (this.nextUint32() >>> 11) * TWO_32 + this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}
