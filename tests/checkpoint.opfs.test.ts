/**
 * OPFS saves against a page closed mid-save: an in-memory twin of the File System Access API whose page
 * "closes" after k operations (every later call never settles, and a writable not yet closed leaves nothing,
 * as OPFS's swap files do). For every k from 0 to past the end of a save, the next page's load gives exactly the
 * old checkpoint or exactly the new one. Also: the Web Locks API makes a second save refuse and a load wait.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCheckpointOPFS, saveCheckpointOPFS, type OPFSDirectory, type OPFSFile } from '../src/checkpoint/index.js';
import { CheckpointBusyError } from '../src/errors.js';
import { resolveConfig } from '../src/model/config.js';
import { paramLayout } from '../src/model/layout.js';

const DIMS = resolveConfig({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
const N = paramLayout(DIMS).total;
const OLD = new Float32Array(N).fill(1);
const NEW = new Float32Array(N).fill(2);
const STATE = { tensors: { m: new Float32Array([1, 2]) }, meta: { step: 7 } };

/** Storage shared by every "page"; `Page` is one page's view of it, which dies after `budget` calls. */
type Storage = Map<string, Map<string, Uint8Array>>;

class Page implements OPFSDirectory {
  constructor(readonly storage: Storage, readonly life: { budget: number }, readonly withMove: boolean, readonly path = '') {}

  /** Every call goes through here: once the budget is spent the page is gone and nothing settles. */
  async #step(): Promise<void> {
    if (this.life.budget-- <= 0) await new Promise(() => undefined);
  }

  #files(): Map<string, Uint8Array> {
    let f = this.storage.get(this.path);
    if (f === undefined) this.storage.set(this.path, (f = new Map()));
    return f;
  }

  async getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<OPFSDirectory> {
    await this.#step();
    const path = `${this.path}/${name}`;
    if (!this.storage.has(path)) {
      if (!options?.create) throw Object.assign(new Error(`${name} not found`), { name: 'NotFoundError' });
      this.storage.set(path, new Map());
    }
    return new Page(this.storage, this.life, this.withMove, path);
  }

  async getFileHandle(name: string, options?: { create?: boolean }): Promise<OPFSFile> {
    await this.#step();
    const files = this.#files();
    if (!files.has(name)) {
      if (!options?.create) throw Object.assign(new Error(`${name} not found`), { name: 'NotFoundError' });
      files.set(name, new Uint8Array(0));
    }
    const handle: OPFSFile = {
      getFile: async () => {
        await this.#step();
        return new Blob([files.get(name)!.slice()]);
      },
      createWritable: async () => {
        await this.#step();
        const chunks: Uint8Array[] = [];
        return {
          write: async (data: Uint8Array) => {
            await this.#step();
            chunks.push(data.slice());
          },
          // Only a close publishes the data (OPFS writes to a swap file until then).
          close: async () => {
            await this.#step();
            files.set(name, new Uint8Array(await new Blob(chunks).arrayBuffer()));
          },
          abort: async () => undefined,
        };
      },
    };
    if (this.withMove) {
      handle.move = async (newName: string) => {
        await this.#step();
        files.set(newName, files.get(name)!);
        files.delete(name);
      };
    }
    return handle;
  }

  async removeEntry(name: string): Promise<void> {
    await this.#step();
    if (!this.#files().delete(name)) throw Object.assign(new Error(`${name} not found`), { name: 'NotFoundError' });
  }
}

/** Lets the save run until its page dies (or it finishes); true when it finished. */
async function runUntilClosed(save: Promise<void>, life: { budget: number }): Promise<boolean> {
  let done = false;
  save.then(() => (done = true));
  for (let i = 0; i < 10_000 && !done && life.budget > 0; i++) await new Promise((r) => setTimeout(r, 0));
  return done;
}

describe.each([['with move()', true], ['without move() (copy)', false]])('OPFS save with the page closed mid-save, %s', (_, withMove) => {
  it('for every point of the save, the next page loads exactly the old or exactly the new checkpoint', async () => {
    const seen = { old: 0, new: 0 };
    let finishedAt = -1;
    for (let k = 0; finishedAt < 0; k++) {
      const storage: Storage = new Map();
      await saveCheckpointOPFS('run', DIMS, OLD, STATE, new Page(storage, { budget: Infinity }, withMove));
      const life = { budget: k };
      // The new checkpoint has no training state: a commit must also remove the old state files.
      const finished = await runUntilClosed(saveCheckpointOPFS('run', { ...DIMS, layerNormEps: 2e-5 }, NEW, undefined, new Page(storage, life, withMove)), life);
      if (finished) finishedAt = k;
      const loaded = await loadCheckpointOPFS('run', new Page(storage, { budget: Infinity }, withMove));
      if (loaded.params[0] === 1) {
        seen.old++;
        expect(loaded.dims.layerNormEps).toBe(DIMS.layerNormEps);
        expect(loaded.params.every((x) => x === 1)).toBe(true);
        expect(loaded.state?.meta).toEqual(STATE.meta);
      } else {
        seen.new++;
        expect(loaded.dims.layerNormEps).toBe(2e-5);
        expect(loaded.params.every((x) => x === 2)).toBe(true);
        expect(loaded.state).toBeUndefined();
      }
      // After the load's recovery the directory holds the checkpoint's files and nothing else.
      const names = [...storage.get('/run')!.keys()].sort();
      expect(names.every((n) => !n.endsWith('.tmp'))).toBe(true);
      expect(k).toBeLessThan(500);
    }
    // Both outcomes occurred: closes before the commit marker keep the old one, closes after it give the new one.
    expect(seen.old).toBeGreaterThan(5);
    expect(seen.new).toBeGreaterThan(5);
    expect(finishedAt).toBeGreaterThan(10);
  });
});

describe('OPFS saves and loads coordinate through the Web Locks API', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('a save while another holds the directory is refused; a load waits for the save', async () => {
    const held = new Set<string>();
    const waiting: (() => void)[] = [];
    const locks = {
      async request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T> {
        if (held.has(name)) {
          if (options.ifAvailable) return callback(null);
          await new Promise<void>((r) => waiting.push(r));
        }
        held.add(name);
        try {
          return await callback({ name });
        } finally {
          held.delete(name);
          waiting.shift()?.();
        }
      },
    };
    vi.stubGlobal('navigator', { locks });
    const storage: Storage = new Map();
    const page = () => new Page(storage, { budget: Infinity }, true);
    await saveCheckpointOPFS('run', DIMS, OLD, undefined, page());
    const first = saveCheckpointOPFS('run', DIMS, NEW, undefined, page());
    await expect(saveCheckpointOPFS('run', DIMS, OLD, undefined, page())).rejects.toThrow(CheckpointBusyError);
    const load = loadCheckpointOPFS('run', page());
    await first;
    expect((await load).params[0]).toBe(2);
  });
});
