/**
 * GPT-2's reversible byte ⇄ unicode mapping. Vocabulary files store tokens as strings, and raw bytes such as
 * 0x20 (space) or 0x0A would be invisible or ambiguous there, so every byte is given a printable stand-in:
 * printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100.. in byte order (space becomes 'Ġ').
 */

function isPrintableByte(b: number): boolean {
  return (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
}

/**
 * Bytes in the order of GPT-2's first 256 vocabulary ids: printable bytes ascending, then the rest ascending.
 * Trained tokenizers use the same order so their byte tokens share GPT-2's ids.
 */
export const BYTES_IN_GPT2_ORDER: readonly number[] = (() => {
  const order: number[] = [];
  for (let b = 0; b < 256; b++) if (isPrintableByte(b)) order.push(b);
  for (let b = 0; b < 256; b++) if (!isPrintableByte(b)) order.push(b);
  return order;
})();

/** byte → its stand-in character. */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const table: string[] = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(isPrintableByte(b) ? b : 256 + extra++);
  return table;
})();

/** stand-in char code → byte, or -1; indexed by char code (all stand-ins are below U+0144). */
const CHAR_CODE_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(0x200).fill(-1);
  for (let b = 0; b < 256; b++) table[BYTE_TO_CHAR[b].charCodeAt(0)] = b;
  return table;
})();

export function bytesToUnicode(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes[i]];
  return s;
}

/** Inverse of `bytesToUnicode`; undefined when `s` contains a character outside the 256 stand-ins. */
export function unicodeToBytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const b = c < 0x200 ? CHAR_CODE_TO_BYTE[c] : -1;
    if (b < 0) return undefined;
    out[i] = b;
  }
  return out;
}

/**
 * UTF-8 encode `s` into `out` (which must hold 3 bytes per UTF-16 unit), returning the byte count.
 * Lone surrogates become U+FFFD (EF BF BD), exactly as `TextEncoder` does, so any JS string encodes.
 * Hand-written because it runs once per uncached pre-token and TextEncoder allocates each call.
 */
export function utf8EncodeInto(s: string, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 0x3f);
        out[n++] = 0x80 | ((c >> 6) & 0x3f);
        out[n++] = 0x80 | (c & 0x3f);
      } else {
        out[n++] = 0xef;
        out[n++] = 0xbf;
        out[n++] = 0xbd;
      }
    } else {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n;
}

const encoder = new TextEncoder();
export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
/** Invalid sequences become U+FFFD; a leading BOM is kept (it is part of the text, not a marker, for us). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
