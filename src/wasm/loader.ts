/**
 * The one loader: picks an artifact, instantiates it on an imported memory, checks its ABI and exports, and
 * (threads build) starts the worker pool.
 *
 * Artifact choice for `artifact: 'auto'` (the default):
 *   - `threads-simd` when SharedArrayBuffer is usable (Node; browsers only when cross-origin isolated), the
 *     caller is not a browser window's main thread (the thread that calls into rayon blocks while the pool
 *     works, and a page's main thread may not block), and more than one thread is wanted;
 *   - `simd` otherwise: one thread, no shared memory. `capabilities().reason` says which rule applied.
 */
import { ConfigError, WasmGptError, WasmRuntimeError, describeValue } from '../errors.js';
import { hardwareConcurrency, isBrowserMainThread, readBinary, sharedMemoryAvailable } from '../env.js';
import { startThreadPool, type ThreadPoolHandle } from '../threads/pool.js';
import { ARTIFACT_FILES, defaultArtifactUrl, INITIAL_PAGES, MAX_PAGES, type ArtifactName } from './artifacts.js';
import { WasmCore, type Capabilities } from './core.js';
import { GEMM_KERNEL_NAMES, GEMM_KERNELS, isGemmKernelName, probeGemmKernels, type GemmKernelName, type GemmKernelProbe } from './gemm-kernels.js';
import {
  ABI_VERSION, EXPORT_NAMES, THREAD_EXPORT_NAMES, type CoreExports, type ThreadExports,
} from './exports.js';

export interface InitOptions {
  /** Threads for kernels (default: all logical cores). 1 runs on the calling thread with no workers. */
  threads?: number;
  /** Which binary: 'auto' (default) picks as described above; naming one forces it or throws if impossible. */
  artifact?: 'auto' | ArtifactName;
  /** Where the .wasm files are, per artifact (default: the package's pkg/ folder). Wins over `wasmPaths`. */
  wasmUrl?: Partial<Record<ArtifactName, string | URL>>;
  /**
   * A URL prefix the .wasm files are found under by their file names (`wasm_gpt_simd.wasm`,
   * `wasm_gpt_threads_simd.wasm`), e.g. a CDN folder: 'https://cdn.jsdelivr.net/npm/wasm-gpt@0.1.0/pkg/'.
   * Relative prefixes resolve against the page. A trailing '/' is added when missing.
   */
  wasmPaths?: string | URL;
  /** Where `thread-worker.js` is (default: dist/threads/, next to the pool that starts it). */
  workerUrl?: string | URL;
  /**
   * SGEMM register-tile shape: 'auto' (default) times each shape for a few ms at load and takes the fastest;
   * naming one ('6x8', '4x8', '2x16') skips the probe. Products are bitwise identical either way.
   */
  gemmKernel?: 'auto' | GemmKernelName;
}

const moduleCache = new Map<string, Promise<WebAssembly.Module>>();
/** The GEMM probe's verdict per compiled module: measured once per process, as the optimised code is shared. */
const probeCache = new WeakMap<WebAssembly.Module, ReturnType<typeof probeGemmKernels>>();

function compile(url: URL): Promise<WebAssembly.Module> {
  let m = moduleCache.get(url.href);
  if (m === undefined) {
    m = readBinary(url).then((bytes) => WebAssembly.compile(bytes as BufferSource));
    m.catch(() => moduleCache.delete(url.href));
    moduleCache.set(url.href, m);
  }
  return m;
}

function toUrl(u: string | URL): URL {
  return u instanceof URL ? u : new URL(u, (globalThis as { location?: { href: string } }).location?.href ?? import.meta.url);
}

/** A URL option must be a URL or a string that parses as one (relative to the page or module): checked before any fetch. */
function checkLocation(key: string, value: unknown): void {
  if (value === undefined) return;
  if (!(value instanceof URL) && typeof value !== 'string') {
    throw new ConfigError(key, `initWasm: ${key} must be a URL or a string, got ${describeValue(value)}`);
  }
  try {
    toUrl(value);
  } catch {
    throw new ConfigError(key, `initWasm: ${key} is not a valid URL: ${JSON.stringify(String(value))}`);
  }
}

function artifactUrl(artifact: ArtifactName, options: InitOptions): URL {
  const explicit = options.wasmUrl?.[artifact];
  if (explicit !== undefined) return toUrl(explicit);
  if (options.wasmPaths !== undefined) {
    const prefix = toUrl(options.wasmPaths);
    if (!prefix.pathname.endsWith('/')) prefix.pathname += '/';
    return new URL(ARTIFACT_FILES[artifact], prefix);
  }
  return defaultArtifactUrl(artifact);
}

/** Loads a wasm-gpt core. Call `terminate()` on it when done so worker threads end. */
export async function initWasm(options: InitOptions = {}): Promise<WasmCore> {
  const cores = await hardwareConcurrency();
  const { threads: requested, artifact: wanted = 'auto' } = options;
  if (requested !== undefined && (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1)) {
    throw new ConfigError('threads', `initWasm: threads must be a positive integer, got ${describeValue(requested)}`);
  }
  if (wanted !== 'auto' && wanted !== 'threads-simd' && wanted !== 'simd') {
    throw new ConfigError('artifact', `initWasm: artifact must be 'auto', 'threads-simd' or 'simd', got ${describeValue(wanted)}`);
  }
  const { gemmKernel: wantedKernel = 'auto' } = options;
  if (wantedKernel !== 'auto' && !isGemmKernelName(wantedKernel)) {
    throw new ConfigError(
      'gemmKernel',
      `initWasm: gemmKernel must be 'auto' or one of ${GEMM_KERNEL_NAMES.map((k) => `'${k}'`).join(', ')}, got ${String(wantedKernel)}`,
    );
  }
  checkLocation('wasmPaths', options.wasmPaths);
  if (options.wasmUrl !== undefined) {
    if (options.wasmUrl === null || typeof options.wasmUrl !== 'object') {
      throw new ConfigError('wasmUrl', `initWasm: wasmUrl must be an object of URLs per artifact, got ${describeValue(options.wasmUrl)}`);
    }
    for (const [name, u] of Object.entries(options.wasmUrl)) checkLocation(`wasmUrl.${name}`, u);
  }
  const threads = requested ?? cores;
  const shared = sharedMemoryAvailable();
  const mainThread = isBrowserMainThread();

  let artifact: ArtifactName;
  let reason: string;
  if (wanted === 'simd') {
    artifact = 'simd';
    reason = 'single-thread SIMD build requested';
  } else if (!shared) {
    if (wanted === 'threads-simd') {
      throw new WasmGptError(
        "initWasm: the 'threads-simd' build needs SharedArrayBuffer; in a browser serve the page with " +
          "'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp'",
      );
    }
    artifact = 'simd';
    reason = 'SharedArrayBuffer is unavailable (page not cross-origin isolated): single-thread SIMD build';
  } else if (mainThread) {
    if (wanted === 'threads-simd') {
      throw new WasmGptError(
        "initWasm: the 'threads-simd' build cannot run on a page's main thread (it blocks while workers " +
          'compute); load wasm-gpt inside a Worker to use threads',
      );
    }
    artifact = 'simd';
    reason = "browser main thread must not block: single-thread SIMD build (load in a Worker for threads)";
  } else if (threads === 1 && wanted === 'auto') {
    artifact = 'simd';
    reason = 'one thread requested: single-thread SIMD build';
  } else {
    artifact = 'threads-simd';
    reason = `shared memory available: ${threads} worker thread${threads === 1 ? '' : 's'}`;
  }

  const url = artifactUrl(artifact, options);
  let module: WebAssembly.Module;
  try {
    module = await compile(url);
  } catch (err) {
    throw new WasmGptError(
      `initWasm: could not load the wasm core from ${url.href} (${(err as Error).message}). If your bundler or ` +
        `server put the .wasm files elsewhere, say where: { wasmPaths: '<folder URL>/' } (files ` +
        `${Object.values(ARTIFACT_FILES).join(', ')}, shipped in wasm-gpt/pkg/) or { wasmUrl: { '${artifact}': '<URL>' } }`,
      { cause: err },
    );
  }

  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: artifact === 'threads-simd' });
  let core: WasmCore | undefined;
  let earlyPanic: string | undefined;
  const imports = {
    env: {
      memory,
      wgpt_report_panic(ptr: number, len: number) {
        const text = new TextDecoder().decode(new Uint8Array(memory.buffer, ptr >>> 0, len >>> 0).slice());
        if (core) core.notePanic(text);
        else earlyPanic = text;
      },
    },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = instance.exports as unknown as CoreExports & ThreadExports;
  const expected = artifact === 'threads-simd' ? [...EXPORT_NAMES, ...THREAD_EXPORT_NAMES] : EXPORT_NAMES;
  const missing = expected.filter((name) => !(name in exports));
  if (missing.length > 0) {
    throw new WasmGptError(
      `initWasm: ${url.href} is not the wasm core this version of wasm-gpt needs (it lacks ${missing.join(', ')}); ` +
        'serve the .wasm files of the installed wasm-gpt version',
    );
  }
  const abi = exports.wgpt_abi_version();
  if (abi !== ABI_VERSION) {
    throw new WasmGptError(
      `initWasm: ${url.href} has ABI ${abi}, this version of wasm-gpt expects ${ABI_VERSION}; serve the .wasm files ` +
        'of the installed wasm-gpt version (a cached or CDN copy of another version?)',
    );
  }
  exports.wgpt_init();
  if (earlyPanic !== undefined) throw new WasmRuntimeError(`initWasm: ${earlyPanic}`);

  // Before the pool starts, so workers spinning up do not disturb the timing.
  let gemmKernel: GemmKernelName;
  let gemmKernelProbe: GemmKernelProbe = {};
  if (wantedKernel === 'auto') {
    let verdict = probeCache.get(module);
    if (verdict === undefined) probeCache.set(module, (verdict = probeGemmKernels(exports)));
    ({ best: gemmKernel, gflops: gemmKernelProbe } = verdict);
  } else {
    gemmKernel = wantedKernel;
  }
  exports.wgpt_gemm_set_kernel(GEMM_KERNELS[gemmKernel]);

  let pool: ThreadPoolHandle | undefined;
  if (artifact === 'threads-simd' && threads > 1) {
    const workerUrl = options.workerUrl === undefined ? undefined : toUrl(options.workerUrl);
    pool = await startThreadPool(module, memory, exports, threads, workerUrl);
  }
  const capabilities: Capabilities = {
    artifact,
    simd: exports.wgpt_simd_enabled() === 1,
    threads: pool !== undefined,
    threadCount: pool?.threads ?? 1,
    cores,
    sharedMemory: shared,
    reason,
    gemmKernel,
    gemmKernelProbe,
  };
  core = new WasmCore(memory, exports, pool, capabilities);
  return core;
}
