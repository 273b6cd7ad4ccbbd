/**
 * Per-file checksums of a checkpoint, kept in `checksums.json` beside the files they cover and verified at
 * load, so a bit flipped on disk or in transit is refused with the file's name instead of loading as a
 * silently different model.
 *
 * The hash is ours ("fnv1a32x4"): four independent FNV-1a-style lanes over the file's 32-bit little-endian
 * words (word i feeds lane i mod 4), then the trailing bytes into lane 0, printed as 32 hex digits. Each lane
 * step `s = (s ^ word) · prime` is a bijection of `s` for a fixed word and of the word for a fixed `s`, so a
 * change confined to one word always changes its lane's final state: every single-word corruption (any bit
 * flip) is detected. Four lanes keep four multiply chains in flight; it hashes ~6 GB/s in V8, so verifying a
 * GPT-2 checkpoint adds well under a tenth of a second. It guards against corruption, not against a forger.
 */
import { FormatError } from '../errors.js';

export const CHECKSUM_FILE = 'checksums.json';
const FORMAT = 'wasm-gpt-checksums';
const ALGORITHM = 'fnv1a32x4';

const PRIME = 0x01000193;
const SEEDS = [0x811c9dc5, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35] as const;

/** The checksum of `bytes` (32 lowercase hex digits). */
export function checksum(bytes: Uint8Array): string {
  // Uint32Array views need a 4-byte-aligned offset; small files read through Node's buffer pool may lack one.
  const b = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(b.buffer, b.byteOffset, b.byteLength >>> 2);
  const h = Int32Array.from(SEEDS);
  const n4 = words.length - (words.length % 4);
  // In chunks: V8 optimises a function after a few calls, but one call looping over a whole 500 MB file ran
  // to the end in unoptimised code (~0.45 GB/s instead of ~7).
  for (let i = 0; i < n4; i += CHUNK_WORDS) mixWords(h, words, i, Math.min(i + CHUNK_WORDS, n4));
  let h0 = h[0];
  for (let i = n4; i < words.length; i++) h0 = Math.imul(h0 ^ words[i], PRIME);
  for (let i = words.length * 4; i < b.length; i++) h0 = Math.imul(h0 ^ b[i], PRIME);
  // The length goes in too: appended zero words would otherwise only be caught by the size field.
  const h1 = Math.imul(h[1] ^ b.length, PRIME);
  return [h0, h1, h[2], h[3]].map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
}

const CHUNK_WORDS = 1 << 16;

/** Four FNV-1a lanes over words[from..to) (a multiple of 4 long), word i into lane i mod 4. */
function mixWords(h: Int32Array, words: Uint32Array, from: number, to: number): void {
  let h0 = h[0], h1 = h[1], h2 = h[2], h3 = h[3];
  for (let i = from; i < to; i += 4) {
    h0 = Math.imul(h0 ^ words[i], PRIME);
    h1 = Math.imul(h1 ^ words[i + 1], PRIME);
    h2 = Math.imul(h2 ^ words[i + 2], PRIME);
    h3 = Math.imul(h3 ^ words[i + 3], PRIME);
  }
  h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3;
}

export interface ChecksumIndex {
  format: typeof FORMAT;
  version: 1;
  algorithm: typeof ALGORITHM;
  files: Record<string, { bytes: number; checksum: string }>;
}

/** The `checksums.json` bytes for `files` (every file of the checkpoint except the index itself). */
export function encodeChecksums(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const index: ChecksumIndex = { format: FORMAT, version: 1, algorithm: ALGORITHM, files: {} };
  for (const [name, bytes] of files) if (name !== CHECKSUM_FILE) index.files[name] = { bytes: bytes.length, checksum: checksum(bytes) };
  return new TextEncoder().encode(JSON.stringify(index, null, 2) + '\n');
}

/**
 * Verifies `files` against the index bytes (when there is an index: a Hugging Face checkpoint has none). Every
 * file the index lists must be present with its size and checksum; a file it does not list is not checked
 * (an index only vouches for what it names). `path(name)` names a file in errors. `read(name)` says whether
 * the caller read that file at all: `fromPretrained` fetches only the model's files, so the training state an
 * index also lists is neither expected nor checked there.
 */
export function verifyChecksums(
  indexBytes: Uint8Array, files: ReadonlyMap<string, Uint8Array>, path: (name: string) => string,
  read: (name: string) => boolean = () => true,
): void {
  const where = path(CHECKSUM_FILE);
  const fail = (msg: string, key?: string): never => {
    throw new FormatError(`${where}: ${msg}`, { file: where, key });
  };
  let index: unknown;
  try {
    index = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(indexBytes));
  } catch (e) {
    return fail(`not valid JSON (${(e as Error).message})`);
  }
  const ix = index as Partial<ChecksumIndex> | null;
  if (typeof ix !== 'object' || ix === null || Array.isArray(ix)) return fail('not a JSON object');
  if (ix.format !== FORMAT) fail(`format is ${JSON.stringify(ix.format)}, expected "${FORMAT}"`, 'format');
  if (ix.version !== 1) fail(`version ${JSON.stringify(ix.version)}, this library reads 1`, 'version');
  if (ix.algorithm !== ALGORITHM) fail(`algorithm ${JSON.stringify(ix.algorithm)}, this library computes "${ALGORITHM}"`, 'algorithm');
  if (typeof ix.files !== 'object' || ix.files === null || Array.isArray(ix.files)) return fail('"files" is not an object', 'files');
  for (const [name, entry] of Object.entries(ix.files)) {
    const key = `files.${name}`;
    const e = entry as { bytes?: unknown; checksum?: unknown } | null;
    if (typeof e !== 'object' || e === null || !Number.isSafeInteger(e.bytes) || typeof e.checksum !== 'string') {
      fail(`${key} must be { "bytes": integer, "checksum": string }`, key);
    }
    if (!read(name)) continue;
    const bytes = files.get(name);
    const file = path(name);
    if (bytes === undefined) throw new FormatError(`${file}: missing, but ${where} lists it`, { file });
    if (bytes.length !== e!.bytes) {
      throw new FormatError(`${file}: ${bytes.length} bytes, ${where} recorded ${e!.bytes as number} (truncated or replaced)`, { file });
    }
    const got = checksum(bytes);
    if (got !== e!.checksum) {
      throw new FormatError(`${file}: checksum ${got} differs from ${e!.checksum as string} recorded in ${where} (the file is corrupted)`, { file });
    }
  }
}
