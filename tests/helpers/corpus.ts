/** The tiny model and learnable token stream shared by the trainer tests, in-process and in the worker. */
import type { GPTConfigInput } from '../../src/index.js';

export const CONFIG: GPTConfigInput = { vocabSize: 32, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 32 };

/** A learnable stream: the next token is a fixed function of the previous one 90% of the time, else random. */
export function corpus(n: number, seed = 1): Uint16Array {
  const out = new Uint16Array(n);
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 1; i < n; i++) out[i] = rand() < 0.9 ? (out[i - 1] * 13 + 5) % 32 : Math.floor(rand() * 32);
  return out;
}
