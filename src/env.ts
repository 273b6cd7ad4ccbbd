/** Where we are running: decides how to load files, start workers and whether threads are possible. */
import type { NodePlatform } from './platform/types.js';
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

let nodeServices: Promise<NodePlatform | undefined> | undefined;

/**
 * Node's services (platform/node.ts), or undefined where there are none. Imported on first use, and only in
 * Node: `#platform` is a bare specifier (package.json `imports`), which a bundler resolves by condition but a
 * browser running these files unbundled could not resolve; it never has to.
 */
export function nodePlatform(): Promise<NodePlatform | undefined> {
  if (!isNode()) return Promise.resolve(undefined);
  nodeServices ??= import('#platform').then((m) => m.nodePlatform);
  return nodeServices;
}

/** Logical cores, as the platform reports them. */
export async function hardwareConcurrency(): Promise<number> {
  const node = await nodePlatform();
  if (node !== undefined) return node.cores();
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
  const node = url.protocol === 'file:' ? await nodePlatform() : undefined;
  if (node !== undefined) return node.readFile(url);
  const res = await fetch(url);
  if (!res.ok) throw new WasmGptError(`could not fetch ${url.href}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}
