// Mutators for the fuzz campaign (scripts/fuzz.mjs): each takes the bytes of a file the library wrote and a
// seeded random source, and returns a damaged copy. Byte-level damage finds what a torn write or a bad disk
// does; structure-aware damage (a JSON value replaced, a line dropped, a safetensors header edited with its
// length kept consistent) gets past the first parse and reaches the checks behind it.

/** xoshiro-free tiny PRNG (mulberry32): enough for choosing mutations, and the same on every machine. */
export function rngFrom(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n) => Math.floor(next() * n);
  return { next, int, pick: (list) => list[int(list.length)], chance: (p) => next() < p };
}

/** Numbers that sit on a boundary somewhere: sizes, ids, ranks, offsets, u32/u53 limits, floats. */
export const INTERESTING_NUMBERS = [
  0, -1, 1, 2, 3, 7, 255, 256, 65535, 65536, 2 ** 24, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, 2 ** 53,
  1e6, 2.79e8, 1e9, 1e15, 1e308, -1e308, 0.5, -0.5, 1.5, 1e-300, -0,
];
const INTERESTING_VALUES = () => [
  ...INTERESTING_NUMBERS, '', 'x', 'gpt2', 'F16', 'BF16', 'I64', '\u0000', '\ud800', 'x'.repeat(100_000), null, true, false,
  [], {}, [1, 2], [0, 0, 0, 0], { a: 1 }, nestedArray(2000),
];

function nestedArray(depth) {
  let v = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

// ---- bytes ----------------------------------------------------------------------------------------------------

const U32_VALUES = [0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 0x7f800000, 0x7fc00000, 0x3c00];

export function mutateBytes(bytes, rng) {
  const b = bytes.slice();
  const n = b.length;
  switch (rng.int(9)) {
    case 0: { // flip 1..8 bits
      if (n === 0) return b;
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips; i++) b[rng.int(n)] ^= 1 << rng.int(8);
      return b;
    }
    case 1: { // set a byte to a boundary value
      if (n > 0) b[rng.int(n)] = rng.pick([0, 0xff, 0x7f, 0x80, 0x20, 0x22, 0x5c, 0x0a]);
      return b;
    }
    case 2: // truncate
      return b.subarray(0, rng.int(n + 1));
    case 3: { // append junk
      const junk = new Uint8Array(1 + rng.int(64));
      for (let i = 0; i < junk.length; i++) junk[i] = rng.int(256);
      return concat(b, junk);
    }
    case 4: { // delete a range
      const at = rng.int(n + 1);
      const len = rng.int(Math.min(64, n - at) + 1);
      return concat(b.subarray(0, at), b.subarray(at + len));
    }
    case 5: { // duplicate a range
      const at = rng.int(n + 1);
      const len = rng.int(Math.min(64, n - at) + 1);
      return concat(b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len));
    }
    case 6: { // a 32-bit boundary value at a random (often 4-aligned) place
      if (n < 4) return b;
      const at = rng.chance(0.5) ? rng.int(n - 3) & ~3 : rng.int(n - 3);
      new DataView(b.buffer, b.byteOffset).setUint32(at, rng.pick(U32_VALUES), true);
      return b;
    }
    case 7: { // a 64-bit little-endian length at the start (safetensors, shard headers)
      if (n < 8) return b;
      const dv = new DataView(b.buffer, b.byteOffset);
      dv.setUint32(rng.pick([0, 4, 8, 12, 16].filter((o) => o + 8 <= n)), rng.pick(U32_VALUES), true);
      return b;
    }
    default: { // random bytes over a short range
      const at = rng.int(n + 1);
      for (let i = at; i < Math.min(n, at + 1 + rng.int(16)); i++) b[i] = rng.int(256);
      return b;
    }
  }
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- JSON -----------------------------------------------------------------------------------------------------

/** A random walk from the root to some node; returns [parent, key] of the node (parent undefined: the root). */
function randomSlot(root, rng) {
  let parent;
  let key;
  let node = root;
  for (let depth = 0; depth < 12; depth++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0 || (depth > 0 && rng.chance(0.3))) break;
    parent = node;
    key = rng.pick(keys);
    node = node[key];
  }
  return [parent, key];
}

export function mutateJsonValue(root, rng) {
  const [parent, key] = randomSlot(root, rng);
  if (parent === undefined) return rng.pick(INTERESTING_VALUES());
  const op = rng.int(10);
  if (op < 5) {
    const old = parent[key];
    // Numbers mostly become other numbers: that is where size, id and rank checks live.
    parent[key] = typeof old === 'number' && rng.chance(0.7) ? rng.pick(INTERESTING_NUMBERS) : rng.pick(INTERESTING_VALUES());
  } else if (op === 5) {
    if (Array.isArray(parent)) parent.splice(key, 1);
    else delete parent[key];
  } else if (op === 6) {
    if (Array.isArray(parent)) parent.push(parent[key]);
    else parent[`${key}_x`] = parent[key];
  } else if (op === 7 && !Array.isArray(parent)) {
    // the same value under a second key, or a key renamed
    const value = parent[key];
    delete parent[key];
    parent[rng.chance(0.5) ? `${key} ` : key.toUpperCase()] = value;
  } else if (op === 8 && Array.isArray(parent) && parent.length > 1) {
    const j = rng.int(parent.length);
    [parent[key], parent[j]] = [parent[j], parent[key]];
  } else {
    // Vocabulary-style objects: an existing value copied onto another entry (duplicate ids).
    const keys = Object.keys(parent);
    if (keys.length > 1) parent[rng.pick(keys)] = parent[key];
  }
  return root;
}

const text = new TextDecoder();
const enc = new TextEncoder();

export function mutateJson(bytes, rng) {
  let root;
  try {
    root = JSON.parse(text.decode(bytes));
  } catch {
    return mutateBytes(bytes, rng);
  }
  const times = 1 + rng.int(3);
  for (let i = 0; i < times; i++) root = mutateJsonValue(root, rng);
  const out = enc.encode(JSON.stringify(root, null, rng.chance(0.5) ? 2 : undefined));
  return rng.chance(0.15) ? mutateBytes(out, rng) : out;
}

// ---- line-based text (merges.txt, tiktoken ranks) ----------------------------------------------------------------

export function mutateLines(bytes, rng) {
  const lines = text.decode(bytes).split('\n');
  const times = 1 + rng.int(3);
  for (let t = 0; t < times && lines.length > 0; t++) {
    const i = rng.int(lines.length);
    switch (rng.int(7)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, lines[rng.int(lines.length)]); break;
      case 2: { const j = rng.int(lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
      case 3: { // a number in the line replaced (tiktoken ranks)
        lines[i] = lines[i].replace(/\d+/, String(rng.pick(INTERESTING_NUMBERS)));
        break;
      }
      case 4: { // a field replaced by junk
        const parts = lines[i].split(' ');
        parts[rng.int(parts.length)] = rng.pick(['', '=', '!!', 'Ġ', '\u0000', 'aGU=', '#version: 0.2', 'x'.repeat(10_000)]);
        lines[i] = parts.join(' ');
        break;
      }
      case 5: lines.splice(i, 0, rng.pick(['', ' ', 'a b c', '# comment', 'aGVsbG8= 99999999', 'AA== 0'])); break;
      default: lines.length = i; break;
    }
  }
  const out = enc.encode(lines.join('\n'));
  return rng.chance(0.2) ? mutateBytes(out, rng) : out;
}

// ---- safetensors ------------------------------------------------------------------------------------------------

/** Header-aware: edit the JSON header (rewriting the length so the parse gets past it), or damage the data. */
export function mutateSafetensors(bytes, rng) {
  if (bytes.length < 8 || rng.chance(0.3)) return mutateBytes(bytes, rng);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = dv.getUint32(0, true);
  if (headerLength > bytes.length - 8) return mutateBytes(bytes, rng);
  const data = bytes.subarray(8 + headerLength);
  if (rng.chance(0.35) && data.length >= 4) {
    // An exponent made all ones: a NaN or infinity in some weight (F32 at 4-byte steps, halves at 2).
    const out = bytes.slice();
    const at = 8 + headerLength + (rng.int(data.length - 1) & ~1) + 1;
    out[at] |= rng.chance(0.5) ? 0x7f : 0x7c;
    if (at + 1 < out.length && rng.chance(0.5)) out[at - 1] |= 0x80;
    return out;
  }
  let header;
  try {
    header = JSON.parse(text.decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    return mutateBytes(bytes, rng);
  }
  header = mutateJsonValue(header, rng);
  const json = enc.encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  const odv = new DataView(out.buffer);
  odv.setUint32(0, rng.chance(0.9) ? json.length : headerLength, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
