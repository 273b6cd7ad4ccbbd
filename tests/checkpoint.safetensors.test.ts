import { describe, expect, it } from 'vitest';
import {
  bf16BitsToF32, f16BitsToF32, f32ToBf16Bits, f32ToF16Bits, readSafetensors, writeSafetensors,
  type Float32Tensor,
} from '../src/checkpoint/safetensors.js';
import { FormatError, ShapeError } from '../src/errors.js';

/**
 * A file from a header (raw text, or an object padded with spaces to 8 bytes so the data section is aligned)
 * and a data section, with an optional forged header length.
 */
function craft(header: unknown, data: Uint8Array = new Uint8Array(0), headerLength?: number): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(typeof header === 'string' ? text : text + ' '.repeat(-text.length & 7));
  const out = new Uint8Array(8 + json.length + data.length);
  const dv = new DataView(out.buffer);
  const n = headerLength ?? json.length;
  dv.setUint32(0, n % 2 ** 32, true);
  dv.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function bytesOf(values: number[], kind: 'f32' | 'u16'): Uint8Array {
  return new Uint8Array(kind === 'f32' ? new Float32Array(values).buffer : new Uint16Array(values).buffer);
}

function expectFormatError(file: Uint8Array, ...fragments: string[]): void {
  let error: unknown;
  try {
    readSafetensors(file, 'bad.safetensors');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FormatError);
  const message = (error as Error).message;
  expect(message.startsWith('bad.safetensors: ')).toBe(true);
  for (const f of fragments) expect(message).toContain(f);
}

describe('safetensors writer and reader', () => {
  it('round-trips float32 tensors of every rank, with metadata, bit for bit', () => {
    const tensors: [string, Float32Tensor][] = [
      ['scalar', { shape: [], data: new Float32Array([Math.PI]) }],
      ['vector', { shape: [5], data: new Float32Array([1, -0, Infinity, -Infinity, NaN]) }],
      ['matrix', { shape: [2, 3], data: new Float32Array([1e-45, -3.4028234663852886e38, 0.1, 2, 3, 4]) }],
      ['empty', { shape: [0, 4], data: new Float32Array(0) }],
      ['h.0.attn.c_attn.weight', { shape: [2, 2, 2], data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]) }],
    ];
    const file = writeSafetensors(tensors, { format: 'pt', note: 'ünïcødé' });
    const headerLength = new DataView(file.buffer).getUint32(0, true);
    expect(headerLength % 8).toBe(0); // the data section starts 8-byte aligned
    const parsed = readSafetensors(file, 'mem');
    expect(parsed.metadata).toEqual({ format: 'pt', note: 'ünïcødé' });
    expect([...parsed.tensors.keys()]).toEqual(tensors.map(([n]) => n));
    for (const [name, t] of tensors) {
      const got = parsed.tensors.get(name)!;
      expect(got.dtype).toBe('F32');
      expect(got.shape).toEqual(t.shape);
      const f = got.toFloat32();
      expect(new Uint32Array(f.buffer, f.byteOffset, f.length)).toEqual(new Uint32Array(t.data.buffer));
    }
  });

  it('writes the exact bytes of the format (length, JSON, space padding, little-endian data)', () => {
    const file = writeSafetensors([['a', { shape: [2], data: new Float32Array([1, -2]) }]]);
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const padded = json + ' '.repeat(Math.ceil(json.length / 8) * 8 - json.length);
    expect(file.length).toBe(8 + padded.length + 8);
    expect([...file.subarray(0, 8)]).toEqual([padded.length, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(file.subarray(8, 8 + padded.length))).toBe(padded);
    // 1.0f = 0x3f800000, -2.0f = 0xc0000000, little-endian
    expect([...file.subarray(8 + padded.length)]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
  });

  it('reads F32 at an unaligned offset by copying, aligned F32 as a view of the file', () => {
    // "pad" (3 bytes of U8) pushes "x" to data offset 3: not 4-byte aligned.
    const x = [1.5, -2.25, 3e-39];
    const data = new Uint8Array(3 + 12);
    data.set([7, 8, 9]);
    data.set(bytesOf(x, 'f32'), 3);
    const file = craft({
      pad: { dtype: 'U8', shape: [3], data_offsets: [0, 3] },
      x: { dtype: 'F32', shape: [3], data_offsets: [3, 15] },
    }, data);
    const t = readSafetensors(file, 'mem').tensors.get('x')!;
    expect(Array.from(t.toFloat32())).toEqual(x.map(Math.fround));
    expect(t.toFloat32().buffer).not.toBe(file.buffer);

    const aligned = writeSafetensors([['y', { shape: [2], data: new Float32Array([4, 5]) }]]);
    expect(readSafetensors(aligned, 'mem').tensors.get('y')!.toFloat32().buffer).toBe(aligned.buffer);
  });

  it('converts F16 and BF16 tensors (also at odd offsets) to float32', () => {
    const half = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x8000]; // 1, -2, 65504, 2^-24, inf, -0
    const bf = [0x3f80, 0xc040, 0x7f7f, 0x0001]; // 1, -3, max finite bf16, 2^-133
    const data = new Uint8Array(1 + 12 + 8);
    data.set(bytesOf(half, 'u16'), 1);
    data.set(bytesOf(bf, 'u16'), 13);
    const file = craft({
      odd: { dtype: 'I8', shape: [1], data_offsets: [0, 1] },
      h: { dtype: 'F16', shape: [2, 3], data_offsets: [1, 13] },
      b: { dtype: 'BF16', shape: [4], data_offsets: [13, 21] },
    }, data);
    const { tensors } = readSafetensors(file, 'mem');
    expect(Array.from(tensors.get('h')!.toFloat32())).toEqual([1, -2, 65504, 2 ** -24, Infinity, -0]);
    expect(Object.is(tensors.get('h')!.toFloat32()[5], -0)).toBe(true);
    expect(Array.from(tensors.get('b')!.toFloat32())).toEqual([1, -3, 3.3895313892515355e38, 2 ** -133]);
  });

  it('accepts gaps between tensors, zero-size tensors anywhere and tensors in any offset order', () => {
    const data = new Uint8Array(16);
    data.set(bytesOf([9], 'f32'), 12);
    const file = craft({
      late: { dtype: 'F32', shape: [1], data_offsets: [12, 16] },
      none: { dtype: 'F32', shape: [0], data_offsets: [12, 12] },
      early: { dtype: 'U8', shape: [2], data_offsets: [0, 2] },
    }, data);
    const { tensors } = readSafetensors(file, 'mem');
    expect(Array.from(tensors.get('late')!.toFloat32())).toEqual([9]);
    expect(tensors.get('none')!.toFloat32().length).toBe(0);
  });
});

describe('safetensors validation: every malformed file is a FormatError naming the file and the tensor', () => {
  const f32 = (shape: number[], offsets: number[]) => ({ dtype: 'F32', shape, data_offsets: offsets });

  it('header length and header text', () => {
    expectFormatError(new Uint8Array(5), '5 bytes is too short');
    expectFormatError(craft({}, new Uint8Array(0), 200), 'header length 200 exceeds the 8 bytes after the length field');
    expectFormatError(craft({}, new Uint8Array(0), 2 ** 40), `header length ${2 ** 40} is over the 100000000-byte limit`);
    expectFormatError(craft('', new Uint8Array(0)), 'header length 0 cannot hold a JSON object');
    expectFormatError(craft('{"a": 1', new Uint8Array(0)), 'header is not valid JSON');
    expectFormatError(craft('[1, 2]'), 'header is not a JSON object');
    expectFormatError(craft('null '), 'header is not a JSON object');
    const notUtf8 = craft('{"\u00e9":1}');
    notUtf8[10] = 0xff; // break the 2-byte sequence of é
    expectFormatError(notUtf8, 'not valid UTF-8');
  });

  it('metadata', () => {
    expectFormatError(craft({ __metadata__: [1] }), '__metadata__ is not an object');
    expectFormatError(craft({ __metadata__: { format: 3 } }), '__metadata__.format is not a string');
  });

  it('entries: dtype, shape and offsets', () => {
    const d4 = new Uint8Array(4);
    expectFormatError(craft({ w: 5 }, d4), 'tensor "w": entry is not an object');
    expectFormatError(craft({ w: { dtype: 'F33', shape: [1], data_offsets: [0, 4] } }, d4), 'tensor "w": unknown dtype "F33"');
    expectFormatError(craft({ w: { shape: [1], data_offsets: [0, 4] } }, d4), 'tensor "w": unknown dtype undefined');
    expectFormatError(craft({ w: f32([-1], [0, 4]) }, d4), 'tensor "w": shape must be an array of non-negative integers, got [-1]');
    expectFormatError(craft({ w: f32([1.5], [0, 4]) }, d4), 'tensor "w": shape must be');
    expectFormatError(craft({ w: { dtype: 'F32', shape: '1', data_offsets: [0, 4] } }, d4), 'tensor "w": shape must be');
    expectFormatError(craft({ w: f32([1], [0]) }, d4), 'tensor "w": data_offsets must be [start, end]');
    expectFormatError(craft({ w: f32([1], [-4, 0]) }, d4), 'tensor "w": data_offsets must be');
    expectFormatError(craft({ w: f32([0], [4, 0]) }, d4), 'tensor "w": data_offsets [4, 0] end before they start');
    expectFormatError(craft({ w: f32([2], [0, 8]) }, d4), 'tensor "w": data_offsets [0, 8] run past the 4-byte data section');
    expectFormatError(craft({ w: f32([2], [0, 4]) }, d4), 'tensor "w": 4 bytes of data, but shape [2] of F32 needs 8');
    expectFormatError(craft({ w: { dtype: 'F16', shape: [3], data_offsets: [0, 4] } }, d4), 'shape [3] of F16 needs 6');
  });

  it('overlapping tensors', () => {
    const file = craft({ a: f32([2], [0, 8]), b: f32([2], [4, 12]) }, new Uint8Array(12));
    expectFormatError(file, 'tensor "b" (bytes 4..12) overlaps tensor "a" (bytes 0..8)');
    const same = craft({ a: f32([1], [0, 4]), b: f32([1], [0, 4]) }, new Uint8Array(4));
    expectFormatError(same, 'overlaps');
  });

  it('converting a dtype other than F32/F16/BF16 names the tensor', () => {
    const file = craft({ 'h.0.attn.bias': { dtype: 'BOOL', shape: [1, 1, 2, 2], data_offsets: [0, 4] } }, new Uint8Array([1, 0, 1, 1]));
    const t = readSafetensors(file, 'gpt2/model.safetensors').tensors.get('h.0.attn.bias')!;
    expect(t.dtype).toBe('BOOL');
    expect(() => t.toFloat32()).toThrow(FormatError);
    expect(() => t.toFloat32()).toThrow('gpt2/model.safetensors: tensor "h.0.attn.bias" is BOOL; only F32, F16 and BF16 convert to float32');
  });

  it('the writer rejects data that does not fill its shape, and reserved or repeated names', () => {
    expect(() => writeSafetensors([['w', { shape: [2, 2], data: new Float32Array(3) }]])).toThrow(ShapeError);
    expect(() => writeSafetensors([['w', { shape: [2, 2], data: new Float32Array(3) }]])).toThrow('tensor "w" has shape [2, 2] but 3 values');
    expect(() => writeSafetensors([['__metadata__', { shape: [1], data: new Float32Array(1) }]])).toThrow('reserved or repeated');
    const one = { shape: [1], data: new Float32Array(1) };
    expect(() => writeSafetensors([['w', one], ['w', one]])).toThrow('reserved or repeated');
  });
});

describe('half and bfloat16 conversions', () => {
  const f16 = (x: number) => f32ToF16Bits(x);

  it('float32 → half on edge values: signed zeros, subnormals, the normal range ends, overflow, NaN', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800],
      [65504, 0x7bff], // largest half
      [65519.99, 0x7bff], // below the midpoint to infinity
      [65520, 0x7c00], // the midpoint rounds to even: infinity
      [1e6, 0x7c00], [-1e6, 0xfc00], [Infinity, 0x7c00], [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [1023 * 2 ** -24, 0x03ff], // largest subnormal
      [2 ** -25, 0x0000], // half the smallest subnormal: tie, rounds to even (zero)
      [1.5 * 2 ** -25, 0x0001], // above the tie
      [3 * 2 ** -25, 0x0002], // tie between 1 and 2 subnormal units: even (2)
      [5 * 2 ** -25, 0x0002], // tie between 2 and 3: even (2)
      [-(2 ** -26), 0x8000], // underflow keeps the sign
      [1e-45, 0x0000], // a float32 subnormal
      [(2 ** -14) * (1 - 2 ** -12), 0x0400], // just below the smallest normal rounds up into it
    ];
    for (const [x, bits] of cases) expect(f16(x), `f32ToF16Bits(${x})`).toBe(bits);
    expect(f16(NaN) & 0x7c00).toBe(0x7c00);
    expect(f16(NaN) & 0x03ff).not.toBe(0);
  });

  it('float32 → half rounds to nearest, ties to even, in the normal range', () => {
    expect(f16(1 + 2 ** -11)).toBe(0x3c00); // tie between 0x3c00 (even) and 0x3c01
    expect(f16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between 0x3c01 and 0x3c02 (even)
    expect(f16(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(f16(2047)).toBe(0x67ff);
    expect(f16(2049)).toBe(0x6800); // 2049 is a tie between 2048 (even) and 2050
    expect(f16(2051)).toBe(0x6802); // tie between 2050 and 2052 (even)
  });

  it('half → float32 → half is the identity on all 65,536 halves (NaNs stay NaN)', () => {
    for (let h = 0; h < 65536; h++) {
      const x = f16BitsToF32(h);
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (isNaN) {
        expect(Number.isNaN(x)).toBe(true);
        expect(Number.isNaN(f16BitsToF32(f16(x)))).toBe(true);
      } else if (f16(x) !== h) {
        throw new Error(`half 0x${h.toString(16)} → ${x} → 0x${f16(x).toString(16)}`);
      }
    }
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToF32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(f16BitsToF32(0x7bff)).toBe(65504);
    expect(f16BitsToF32(0xfc00)).toBe(-Infinity);
  });

  it('float32 → half picks the nearest half for 200,000 random floats across the half range', () => {
    let s = 12345;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let n = 0; n < 200_000; n++) {
      const x = Math.fround((rand() < 0.5 ? -1 : 1) * 2 ** (rand() * 42 - 26) * (1 + rand()));
      const h = f16(x);
      const v = f16BitsToF32(h);
      const mag = h & 0x7fff;
      if ((mag === 0x7c00) !== (Math.abs(x) >= 65520)) throw new Error(`f32ToF16Bits(${x}) = 0x${h.toString(16)}: wrong overflow`);
      if (mag === 0x7c00) continue;
      // neighbours of h in magnitude; the chosen half must be at least as close as both
      for (const m of [mag - 1, mag + 1]) {
        if (m < 0 || m > 0x7bff) continue;
        const w = f16BitsToF32((h & 0x8000) | m);
        const [dv, dw] = [Math.abs(x - v), Math.abs(x - w)];
        if (dv > dw || (dv === dw && (h & 1) === 1)) throw new Error(`f32ToF16Bits(${x}) = ${v}, but ${w} is nearer (or the even tie)`);
      }
    }
  });

  it('float32 ⇄ bfloat16: exact identity on all 65,536 bf16 values, ties to even, overflow, NaN', () => {
    for (let h = 0; h < 65536; h++) {
      const x = bf16BitsToF32(h);
      if (Number.isNaN(x)) expect(Number.isNaN(bf16BitsToF32(f32ToBf16Bits(x)))).toBe(true);
      else if (f32ToBf16Bits(x) !== h) throw new Error(`bf16 0x${h.toString(16)} → ${x} → 0x${f32ToBf16Bits(x).toString(16)}`);
    }
    expect(f32ToBf16Bits(1)).toBe(0x3f80);
    expect(f32ToBf16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie: even
    expect(f32ToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie: even
    expect(f32ToBf16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(f32ToBf16Bits(3.4028234663852886e38)).toBe(0x7f80); // largest float32 rounds to infinity
    expect(f32ToBf16Bits(-Infinity)).toBe(0xff80);
    expect(f32ToBf16Bits(2 ** -149)).toBe(0x0000); // float32's smallest subnormal is below bf16's
    expect(f32ToBf16Bits(2 ** -133)).toBe(0x0001); // bf16's smallest subnormal
    expect(bf16BitsToF32(0x8000)).toBe(-0);
    expect(Number.isNaN(bf16BitsToF32(f32ToBf16Bits(NaN)))).toBe(true);
    // a signalling NaN whose payload sits in the low 16 bits must not round to infinity
    const snan = new Float32Array(new Uint32Array([0x7f800001]).buffer)[0];
    expect(Number.isNaN(bf16BitsToF32(f32ToBf16Bits(snan)))).toBe(true);
  });
});
