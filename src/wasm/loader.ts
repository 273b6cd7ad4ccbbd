/**
 * The one loader: picks an artifact, instantiates it on an imported memory, checks its ABI and exports, and
 * (threads build) starts the worker pool.
 *
 * Artifact choice for `artifact: 'auto'` (the default), see `chooseArtifact`:
 *   - a threads build when SharedArrayBuffer is usable (Node; browsers only when cross-origin isolated), the
 *     caller is not a browser window's main thread (the thread that calls into rayon blocks while the pool
 *     works, and a page's main thread may not block), and more than one thread is wanted;
 *   - a single-thread build otherwise: one thread, no shared memory;
 *   - of either, the relaxed-SIMD build when the engine validates relaxed SIMD, else the SIMD128 one.
 * `capabilities().reason` says which rules applied.
 */
import { ConfigError, WasmGptError, WasmRuntimeError, describeValue } from '../errors.js';
import { hardwareConcurrency, isBrowserMainThread, readBinary, sharedMemoryAvailable } from '../env.js';
import { startThreadPool, type ThreadPoolHandle } from '../threads/pool.js';
import {
  ARTIFACT_FILES, ARTIFACT_NAMES, ARTIFACTS, artifactFor, defaultArtifactUrl, INITIAL_PAGES, isArtifactName, MAX_PAGES,
  relaxedMaddFuses, relaxedSimdSupported, type ArtifactName,
} from './artifacts.js';
import { WasmCore, type Capabilities } from './core.js';
import { GEMM_KERNEL_NAMES, GEMM_KERNELS, isGemmKernelName, probeGemmKernels, type GemmKernelName, type GemmKernelProbe } from './gemm-kernels.js';
import {
  ABI_VERSION, EXPORT_NAMES, THREAD_EXPORT_NAMES, type CoreExports, type ThreadExports,
} from './exports.js';

export interface InitOptions {
  /** Threads for kernels (default: all logical cores). 1 runs on the calling thread with no workers. */
  threads?: number;
  /**
   * Which binary: 'auto' (default) picks as described above; naming one ('threads-simd', 'simd',
   * 'threads-relaxed-simd', 'relaxed-simd') forces it or throws a ConfigError if this engine cannot run it.
   */
  artifact?: 'auto' | ArtifactName;
  /** Where the .wasm files are, per artifact (default: the package's pkg/ folder). Wins over `wasmPaths`. */
  wasmUrl?: Partial<Record<ArtifactName, string | URL>>;
  /**
   * A URL prefix the .wasm files are found under by their file names (`wasm_gpt_simd.wasm`,
   * `wasm_gpt_threads_simd.wasm`, `wasm_gpt_relaxed_simd.wasm`, `wasm_gpt_threads_relaxed_simd.wasm`), e.g. a CDN folder: 'https://cdn.jsdelivr.net/npm/wasm-gpt@0.1.0/pkg/'.
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

/** What of the environment decides the artifact (injected so the rules are testable anywhere). */
export interface ArtifactEnvironment {
  /** SharedArrayBuffer usable (Node; a cross-origin isolated page). */
  sharedMemory: boolean;
  /** Running on a browser window's main thread, which must not block. */
  browserMainThread: boolean;
  /** The engine validates relaxed-SIMD instructions. */
  relaxedSimd: boolean;
}

/**
 * The artifact `initWasm` loads for `wanted` and `threads` threads in `env`, and why; a ConfigError naming
 * `artifact` when a named artifact cannot run here. `wasmUrl` is the option of that name: 'auto' keeps to the
 * SIMD128 build when it names that build's file but not its relaxed twin's (set up before the relaxed builds
 * existed, it says where the files are served, and the twin is most likely not there).
 */
export function chooseArtifact(
  wanted: 'auto' | ArtifactName,
  threads: number,
  env: ArtifactEnvironment,
  wasmUrl: Partial<Record<ArtifactName, unknown>> = {},
): { artifact: ArtifactName; reason: string } {
  const forced = wanted === 'auto' ? undefined : ARTIFACTS[wanted];
  if (forced?.relaxedSimd && !env.relaxedSimd) {
    throw new ConfigError(
      'artifact',
      `initWasm: the '${wanted}' build needs relaxed SIMD, which this engine does not validate (Chromium-based ` +
        "browsers and Node >= 22 have it; Node 20 needs --experimental-wasm-relaxed-simd); use artifact: 'auto'",
    );
  }
  let threaded: boolean;
  let reason: string;
  if (forced !== undefined && !forced.threads) {
    threaded = false;
    reason = 'single-thread build requested';
  } else if (!env.sharedMemory) {
    if (forced !== undefined) {
      throw new ConfigError(
        'artifact',
        `initWasm: the '${wanted}' build needs SharedArrayBuffer; in a browser serve the page with ` +
          "'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp'",
      );
    }
    threaded = false;
    reason = 'SharedArrayBuffer is unavailable (page not cross-origin isolated): single-thread build';
  } else if (env.browserMainThread) {
    if (forced !== undefined) {
      throw new ConfigError(
        'artifact',
        `initWasm: the '${wanted}' build cannot run on a page's main thread (it blocks while workers ` +
          'compute); load wasm-gpt inside a Worker to use threads',
      );
    }
    threaded = false;
    reason = 'browser main thread must not block: single-thread build (load in a Worker for threads)';
  } else if (threads === 1 && forced === undefined) {
    threaded = false;
    reason = 'one thread requested: single-thread build';
  } else {
    threaded = true;
    reason = `shared memory available: ${threads} worker thread${threads === 1 ? '' : 's'}`;
  }
  if (forced !== undefined) return { artifact: wanted as ArtifactName, reason };
  const [plain, twin] = [artifactFor(threaded, false), artifactFor(threaded, true)];
  if (!env.relaxedSimd) return { artifact: plain, reason: `${reason}; no relaxed SIMD here: SIMD128 build` };
  if (wasmUrl[plain] !== undefined && wasmUrl[twin] === undefined) {
    return { artifact: plain, reason: `${reason}; wasmUrl names '${plain}' but not '${twin}': SIMD128 build` };
  }
  return { artifact: twin, reason: `${reason}; relaxed SIMD available: relaxed-SIMD build` };
}

/** Loads a wasm-gpt core. Call `terminate()` on it when done so worker threads end. */
export async function initWasm(options: InitOptions = {}): Promise<WasmCore> {
  const cores = await hardwareConcurrency();
  const { threads: requested, artifact: wanted = 'auto' } = options;
  if (requested !== undefined && (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 1)) {
    throw new ConfigError('threads', `initWasm: threads must be a positive integer, got ${describeValue(requested)}`);
  }
  if (wanted !== 'auto' && !isArtifactName(wanted)) {
    throw new ConfigError(
      'artifact',
      `initWasm: artifact must be 'auto' or one of ${ARTIFACT_NAMES.map((a) => `'${a}'`).join(', ')}, got ${describeValue(wanted)}`,
    );
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

  const { artifact, reason } = chooseArtifact(wanted, threads, {
    sharedMemory: shared,
    browserMainThread: mainThread,
    relaxedSimd: relaxedSimdSupported(),
  }, options.wasmUrl);
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

  const { threads: threadedBuild, relaxedSimd } = ARTIFACTS[artifact];
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: threadedBuild });
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
  const expected = threadedBuild ? [...EXPORT_NAMES, ...THREAD_EXPORT_NAMES] : EXPORT_NAMES;
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
  if ((exports.wgpt_relaxed_simd_enabled() === 1) !== relaxedSimd) {
    throw new WasmGptError(
      `initWasm: ${url.href} is ${relaxedSimd ? 'not a relaxed-SIMD build' : 'a relaxed-SIMD build'}, but was loaded as '${artifact}' ` +
        `(expected the file ${ARTIFACT_FILES[artifact]}); check wasmUrl / wasmPaths`,
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
  if (threadedBuild && threads > 1) {
    const workerUrl = options.workerUrl === undefined ? undefined : toUrl(options.workerUrl);
    pool = await startThreadPool(module, memory, exports, threads, workerUrl);
  }
  const capabilities: Capabilities = {
    artifact,
    simd: exports.wgpt_simd_enabled() === 1,
    relaxedSimd,
    fusedMultiplyAdd: relaxedSimd && relaxedMaddFuses(),
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
