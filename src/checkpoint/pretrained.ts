/**
 * The files of a Hub-layout GPT-2 folder, from a URL (fetch, with byte progress and, in browsers, a cache in
 * the Origin Private File System) or from a local directory (Node). `GPT.fromPretrained` builds the model.
 *
 * Browser-safe: the Node file system is reached only through an import whose specifier bundlers cannot see
 * (below), and only for a path in Node, so a page's bundle never contains or requests it.
 *
 * The cache is keyed by the folder's URL: `<opfs>/wasm-gpt-pretrained/<hash of the URL>/`, holding the files
 * and a `manifest.json` written last (URL, each file's size, the optional files that do not exist). An entry is
 * used only when its manifest is there and every size matches, so an interrupted download or a full quota
 * leaves no half entry that a later load would trust. A URL whose content changes (a branch such as
 * `resolve/main/`) keeps serving what was cached: pin a commit in the URL, or load with `cache: 'reload'`.
 */
import { ConfigError, FormatError, WasmGptError, describeValue } from '../errors.js';
import { isNode } from '../env.js';
import { CHECKPOINT_FILES } from './index.js';
import { HF_EXTRA_FILES } from './hf-files.js';

/** One progress report while a pretrained folder loads. */
export interface DownloadProgress {
  /** The file's name in the folder: config.json, model.safetensors, tokenizer.json, ... */
  file: string;
  /** Bytes of it received so far. */
  loaded: number;
  /** Its size when known (Content-Length, the cache, the file system); on a file's last event, = loaded. */
  total: number | undefined;
  /** Read from the browser cache or a local directory, not downloaded. */
  cached: boolean;
}

export interface PretrainedLoadOptions {
  /** Called as bytes arrive (several times per downloaded file, once per cached or local file). */
  progress?: (event: DownloadProgress) => void;
  /**
   * Browsers: `'default'` reads the OPFS cache and fills it; `'reload'` downloads again and replaces the entry;
   * `'no-store'` neither reads nor writes it. Ignored in Node (a directory needs no cache). Default 'default'.
   */
  cache?: 'default' | 'reload' | 'no-store';
}

const REQUIRED: readonly string[] = [CHECKPOINT_FILES.config, CHECKPOINT_FILES.model];
// checksums.json is ours (a Hub folder has none): when a folder carries it, every file read here is verified.
const OPTIONAL: readonly string[] = [
  HF_EXTRA_FILES.generationConfig, HF_EXTRA_FILES.tokenizer, HF_EXTRA_FILES.tokenizerConfig, CHECKPOINT_FILES.checksums,
];

/** Whether `fromPretrained` reads a file of that name (the checksum index is checked for these only). */
export function isPretrainedFile(name: string): boolean {
  return REQUIRED.includes(name) || OPTIONAL.includes(name);
}
const CACHE_DIR = 'wasm-gpt-pretrained';
const MANIFEST = 'manifest.json';

/** A folder's files (absent optional ones left out) and a name for it in errors. */
export interface PretrainedFiles {
  files: Map<string, Uint8Array>;
  source: string;
}

export function checkLoadOptions(options: PretrainedLoadOptions): void {
  if (options.progress !== undefined && typeof options.progress !== 'function') {
    throw new ConfigError('progress', `progress must be a function, got ${describeValue(options.progress)}`);
  }
  if (options.cache !== undefined && !['default', 'reload', 'no-store'].includes(options.cache)) {
    throw new ConfigError('cache', `cache must be 'default', 'reload' or 'no-store', got ${describeValue(options.cache)}`);
  }
}

/** A URL, or (in Node, for a string without a scheme) a directory path. Windows drive letters are paths. */
function locate(source: string | URL): URL | string {
  if (source instanceof URL) return source;
  if (typeof source !== 'string' || source.length === 0) throw new ConfigError('source', `fromPretrained needs a URL or a directory, got ${describeValue(source)}`);
  if (/^[a-z][a-z0-9+.-]+:/i.test(source)) return new URL(source);
  if (isNode()) return source;
  const base = (globalThis as { document?: { baseURI?: string }; location?: { href?: string } });
  return new URL(source, base.document?.baseURI ?? base.location?.href);
}

/** The folder URL with a trailing slash, so file names resolve inside it. */
function folder(url: URL): URL {
  const u = new URL(url.href);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  u.search = '';
  u.hash = '';
  return u;
}

/** Reads the folder's files: from disk for a path or file: URL in Node, else over fetch (with the cache). */
export async function readPretrainedFiles(source: string | URL, options: PretrainedLoadOptions = {}): Promise<PretrainedFiles> {
  checkLoadOptions(options);
  const where = locate(source);
  const progress = options.progress ?? (() => undefined);
  if (typeof where === 'string' || (where.protocol === 'file:' && isNode())) return readDirectory(where, progress);
  const base = folder(where);
  const cache = options.cache ?? 'default';
  const root = cache === 'no-store' ? undefined : await cacheRoot();
  const entryName = cacheKey(base.href);
  if (root !== undefined && cache === 'default') {
    const hit = await readCacheEntry(root, entryName, base.href, progress);
    if (hit !== undefined) return { files: hit, source: base.href };
  }
  const files = new Map<string, Uint8Array>();
  // One failed file fails the load: stop the others rather than finish a download nobody will use.
  const stop = new AbortController();
  const fetchFile = async (name: string) => {
    try {
      const bytes = await download(new URL(name, base), name, !REQUIRED.includes(name), progress, stop.signal);
      if (bytes !== undefined) files.set(name, bytes);
    } catch (e) {
      stop.abort();
      throw e;
    }
  };
  // config.json alone first: a wrong URL then fails naming it, whichever 404 the network returns first (fetched
  // together, the weights' sometimes came first), and before any weights move.
  await fetchFile(REQUIRED[0]);
  await Promise.all([...REQUIRED.slice(1), ...OPTIONAL].map(fetchFile));
  if (root !== undefined) await writeCacheEntry(root, entryName, base.href, files);
  return { files, source: base.href };
}

async function download(
  url: URL, name: string, optional: boolean, progress: (e: DownloadProgress) => void, signal: AbortSignal,
): Promise<Uint8Array | undefined> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    throw new WasmGptError(`fetching ${url.href} failed: ${(e as Error).message}`, { cause: e });
  }
  if (res.status === 404 && optional) return undefined;
  if (res.status === 404) throw new FormatError(`${url.href}: not found (HTTP 404); a pretrained folder needs ${REQUIRED.join(' and ')}`);
  if (!res.ok) throw new WasmGptError(`fetching ${url.href} failed: HTTP ${res.status} ${res.statusText}`);
  const header = Number(res.headers.get('content-length') ?? NaN);
  const expected = Number.isSafeInteger(header) && header >= 0 ? header : undefined;
  let buffer = new Uint8Array(expected ?? 1 << 16);
  let loaded = 0;
  progress({ file: name, loaded: 0, total: expected, cached: false });
  if (res.body === null) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > buffer.length) {
      // Content-Length is absent, or counts compressed bytes: grow geometrically.
      const grown = new Uint8Array(Math.max(buffer.length * 2, loaded + value.length));
      grown.set(buffer.subarray(0, loaded));
      buffer = grown;
    }
    buffer.set(value, loaded);
    loaded += value.length;
    if (loaded < (expected ?? Infinity)) progress({ file: name, loaded, total: expected, cached: false });
  }
  progress({ file: name, loaded, total: loaded, cached: false });
  return loaded === buffer.length ? buffer : buffer.slice(0, loaded);
}

// ---- Node directories ------------------------------------------------------------------------------------

type NodeFs = typeof import('node:fs/promises');

/**
 * node:fs/promises, imported through a variable so bundlers (esbuild, Vite, webpack) neither bundle nor
 * complain about it: only a Node process with a directory path ever gets here.
 */
async function nodeFs(): Promise<NodeFs> {
  const specifier = 'node:fs/promises';
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as NodeFs;
}

async function readDirectory(dir: string | URL, progress: (e: DownloadProgress) => void): Promise<PretrainedFiles> {
  const fs = await nodeFs();
  const label = typeof dir === 'string' ? dir : dir.href;
  const fileOf = (name: string): string | URL => (typeof dir === 'string' ? `${dir.replace(/[\\/]+$/, '')}/${name}` : new URL(name, folder(dir)));
  try {
    if (!(await fs.stat(dir)).isDirectory()) throw new FormatError(`${label}: not a directory`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      const hubId = typeof dir === 'string' && /^[\w.-]+\/[\w.-]+$/.test(dir);
      throw new FormatError(`${label}: no such directory${hubId ? ` (for the Hub model, pass its URL: https://huggingface.co/${dir}/resolve/main)` : ''}`);
    }
    throw e;
  }
  const files = new Map<string, Uint8Array>();
  for (const name of [...REQUIRED, ...OPTIONAL]) {
    let bytes: Uint8Array;
    try {
      const b = await fs.readFile(fileOf(name));
      bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (REQUIRED.includes(name)) throw new FormatError(`${label}: missing ${name}`);
      continue;
    }
    progress({ file: name, loaded: bytes.length, total: bytes.length, cached: true });
    files.set(name, bytes);
  }
  return { files, source: label };
}

// ---- the browser cache (OPFS) ----------------------------------------------------------------------------

/** The parts of the File System Access API the cache uses. */
interface CacheDir {
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<CacheDir>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<{
    getFile(): Promise<Blob>;
    createWritable(): Promise<{ write(data: Uint8Array): Promise<void>; close(): Promise<void> }>;
  }>;
  removeEntry(name: string, options?: { recursive?: boolean }): Promise<void>;
}

interface Manifest {
  url: string;
  files: Record<string, number>;
}

async function cacheRoot(): Promise<CacheDir | undefined> {
  const storage = (globalThis as { navigator?: { storage?: { getDirectory?: () => Promise<unknown> } } }).navigator?.storage;
  if (isNode() || storage?.getDirectory === undefined) return undefined;
  try {
    return await ((await storage.getDirectory()) as CacheDir).getDirectoryHandle(CACHE_DIR, { create: true });
  } catch {
    return undefined; // OPFS refused (private browsing, a policy): load without a cache
  }
}

/** 64 bits of FNV-1a over the URL (two 32-bit lanes): a short, valid file name; the manifest holds the URL. */
function cacheKey(url: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

async function readCacheEntry(root: CacheDir, key: string, url: string, progress: (e: DownloadProgress) => void): Promise<Map<string, Uint8Array> | undefined> {
  try {
    const dir = await root.getDirectoryHandle(key);
    const manifest = JSON.parse(await (await (await dir.getFileHandle(MANIFEST)).getFile()).text()) as Manifest;
    if (manifest.url !== url) return undefined;
    const files = new Map<string, Uint8Array>();
    for (const [name, size] of Object.entries(manifest.files)) {
      const bytes = new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
      if (bytes.length !== size) return undefined;
      files.set(name, bytes);
    }
    if (!REQUIRED.every((name) => files.has(name))) return undefined;
    for (const [name, bytes] of files) progress({ file: name, loaded: bytes.length, total: bytes.length, cached: true });
    return files;
  } catch {
    return undefined; // no entry, or an unreadable one: download again (which rewrites it)
  }
}

async function writeCacheEntry(root: CacheDir, key: string, url: string, files: Map<string, Uint8Array>): Promise<void> {
  try {
    await root.removeEntry(key, { recursive: true }).catch(() => undefined);
    const dir = await root.getDirectoryHandle(key, { create: true });
    const write = async (name: string, bytes: Uint8Array) => {
      const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await w.write(bytes);
      await w.close();
    };
    for (const [name, bytes] of files) await write(name, bytes);
    const manifest: Manifest = { url, files: Object.fromEntries([...files].map(([name, bytes]) => [name, bytes.length])) };
    await write(MANIFEST, new TextEncoder().encode(JSON.stringify(manifest)));
  } catch {
    // A full quota or a revoked permission costs the next load a download, never this one its model.
    await root.removeEntry(key, { recursive: true }).catch(() => undefined);
  }
}

/**
 * Removes the cached copy of one pretrained folder (its URL, as given to `fromPretrained`), or with no argument
 * every cached folder. Does nothing where there is no OPFS (Node).
 */
export async function clearPretrainedCache(source?: string | URL): Promise<void> {
  const root = await cacheRoot();
  if (root === undefined) return;
  if (source === undefined) {
    const storage = await (globalThis as unknown as { navigator: { storage: { getDirectory(): Promise<CacheDir> } } }).navigator.storage.getDirectory();
    await storage.removeEntry(CACHE_DIR, { recursive: true });
    return;
  }
  const where = locate(source);
  if (typeof where === 'string') return;
  await root.removeEntry(cacheKey(folder(where).href), { recursive: true }).catch((e: { name?: string }) => {
    if (e.name !== 'NotFoundError') throw e;
  });
}
