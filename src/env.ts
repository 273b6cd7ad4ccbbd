/** Where we are running: decides how to load files, start workers and whether threads are possible. */
import { WasmGptError } from './errors.js';

export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return p?.versions?.node != null && typeof (globalThis as { window?: unknown }).window === 'undefined'
    && typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';
}

/** True in a browser window's main thread, which must never block (so it cannot call into a rayon pool). */
export function isBrowserMainThread(): boolean {
  const g = globalThis as { window?: unknown; document?: unknown };
  return !isNode() && typeof g.window !== 'undefined' && typeof g.document !== 'undefined';
}

/** Logical cores, as the platform reports them. */
export async function hardwareConcurrency(): Promise<number> {
  if (isNode()) {
    const os = await import('node:os');
    return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  }
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return Math.max(1, n ?? 1);
}

/** Shared memory needs SharedArrayBuffer, which browsers expose only to cross-origin isolated pages. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const coi = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isNode() || coi !== false;
}

export async function readBinary(url: URL): Promise<Uint8Array> {
  if (isNode() && url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new WasmGptError(`could not fetch ${url.href}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
