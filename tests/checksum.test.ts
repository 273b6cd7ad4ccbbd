/**
 * The checkpoint checksum is a file format: checksums.json written by any earlier version must still verify.
 * Pinned values (computed by the first implementation) over empty, short, unaligned and multi-chunk inputs.
 */
import { describe, expect, it } from 'vitest';
import { checksum } from '../src/checkpoint/checksum.js';

const bytes = (n: number, seed: number): Uint8Array => {
  const b = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
};

describe('checksum', () => {
  it('keeps the values earlier versions wrote', () => {
    const big = bytes(1_048_583, 7); // four 256 KiB chunks and a tail of 7 bytes
    expect(checksum(new Uint8Array(0))).toBe('811c9dc5ca549e3b85ebca6bc2b2ae35');
    expect(checksum(bytes(3, 1))).toBe('cbb7789acb549fce85ebca6bc2b2ae35');
    expect(checksum(bytes(1001, 2).subarray(1))).toBe('68f98c5970ef4347c16413000cc4b04d'); // unaligned view
    expect(checksum(big)).toBe('2ecc7455689c8872abde18cb491fd760');
    expect(checksum(big.subarray(0, 1_048_576))).toBe('99f4f8ae639c8093abde18cb491fd760');
  });

  it('changes with any one flipped bit and with appended zeros', () => {
    const b = bytes(4096, 3);
    const base = checksum(b);
    for (const at of [0, 1, 2047, 4095]) {
      const c = b.slice();
      c[at] ^= 1 << (at % 8);
      expect(checksum(c)).not.toBe(base);
    }
    const longer = new Uint8Array(4100);
    longer.set(b);
    expect(checksum(longer)).not.toBe(base);
  });
});
