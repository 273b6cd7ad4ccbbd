/**
 * Checkpoint directories on disk (Node only). A save is atomic at the directory level:
 *
 *   1. write every file into the sibling `<dir>.tmp/`, fsync each file and the directory;
 *   2. if `<dir>` exists, rename it to `<dir>.old`;
 *   3. rename `<dir>.tmp` to `<dir>`, fsync the parent;
 *   4. remove `<dir>.old`.
 *
 * Crash windows: during 1, `<dir>` is the old checkpoint, untouched (a stale `<dir>.tmp` is cleared by the
 * next save). Between 2 and 3 there is no `<dir>`, but `<dir>.old` is the complete previous checkpoint:
 * `loadCheckpointDir` falls back to it, and the next save completes the swap. After 3, `<dir>` is the new
 * checkpoint; a leftover `<dir>.old` is removed by the next save. POSIX rename cannot swap two directories
 * in one step (Linux's renameat2 exchange is not reachable from Node), hence the short window 2–3, which never
 * loses data. A failure before step 3 (disk full, a write error) removes `<dir>.tmp` and leaves `<dir>` as it
 * was; a failure at step 3 renames `<dir>.old` back.
 *
 * Two saves into one directory at once (two processes, or two calls in one) would interleave those renames.
 * A save therefore first creates `<dir>.lock` exclusively (a hard link, which fails if it exists), holding the saver's pid and host, and
 * removes it when done; a save that finds the lock held by a live process throws `CheckpointBusyError` and
 * touches nothing. A lock left by a process that died (kill -9 mid-save) is taken over: its pid is no longer
 * running on this host.
 */
import { link, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { CheckpointBusyError, ConfigError, FormatError, WasmGptError } from '../errors.js';
import { QuantizedGPT } from '../model/quantized.js';
import type { ModelDims } from '../model/layout.js';
import {
  CHECKPOINT_FILES, checkpointFromParts, decodeCheckpointParts, encodeCheckpoint, splitTrainer, type Checkpoint, type DecodeOptions,
  type SaveCheckpointOptions, type TrainingState,
} from './index.js';
import { HF_EXTRA_FILES, decodeExtras, type CheckpointExtras } from './hf-files.js';
import { GPT, type GPTOptions } from '../model/gpt.js';
import type { GenerateOptions } from '../sampler/options.js';
import type { Tokenizer } from '../tokenizer/types.js';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** fsync a directory so the renames and new entries in it survive a power loss; not possible on Windows. */
async function syncDir(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    await handle?.close();
  }
}

async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface LockOwner {
  pid: number;
  host: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** The lock's owner, or undefined when the file is unreadable (not written by this library). */
async function readLockOwner(lock: string): Promise<LockOwner | undefined> {
  try {
    // First line: the owner; second: a token only this save knows (see acquireSaveLock's release).
    const owner = JSON.parse((await readFile(lock, 'utf8')).split('\n')[0]) as Partial<LockOwner>;
    return Number.isSafeInteger(owner.pid) && typeof owner.host === 'string' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `lock` exclusively (see the header), taking over a lock whose process is gone; returns a release. */
async function acquireSaveLock(lock: string, target: string): Promise<() => Promise<void>> {
  const me: LockOwner = { pid: process.pid, host: hostname() };
  const token = JSON.stringify(me) + `\n${Date.now()}-${Math.random()}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Written aside and hard-linked into place (link fails if the lock exists): the lock is never seen empty,
      // not even when its writer is killed mid-way.
      const aside = `${lock}.${process.pid}-${Math.random().toString(36).slice(2)}`;
      await writeFile(aside, token);
      try {
        await link(aside, lock);
      } finally {
        await rm(aside, { force: true });
      }
      return async () => {
        // Only our own lock: a slow save whose lock was taken over must not remove the new owner's.
        if ((await readFile(lock, 'utf8').catch(() => '')) === token) await rm(lock, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new WasmGptError(`saving checkpoint ${target}: cannot create the lock ${lock}: ${(e as Error).message}`, { cause: e });
      }
    }
    const owner = await readLockOwner(lock);
    const stale = owner !== undefined ? owner.host === me.host && !processAlive(owner.pid) : await olderThan(lock, 10_000);
    if (!stale) {
      const who = owner === undefined ? 'another process' : owner.pid === process.pid ? 'another save in this process' : `process ${owner.pid} on ${owner.host}`;
      throw new CheckpointBusyError(lock, `saving checkpoint ${target}: ${who} is saving into it (lock ${lock}); nothing was written, retry when it is done`);
    }
    // Rename first, so of two processes taking over the same stale lock only one removes it.
    const moved = `${lock}.stale-${process.pid}`;
    await rename(lock, moved).then(() => rm(moved, { force: true }), () => undefined);
  }
  throw new CheckpointBusyError(lock, `saving checkpoint ${target}: could not take the lock ${lock} (other saves keep taking it)`);
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    return Date.now() - (await stat(path)).mtimeMs > ms;
  } catch {
    return true; // gone meanwhile: the next attempt creates it
  }
}

/**
 * Saves a checkpoint directory atomically (see above); replaces an existing checkpoint at `dir`. `extras` adds
 * the tokenizer and generation defaults (see `encodeCheckpoint`). Throws `CheckpointBusyError` when another
 * save into `dir` is in progress.
 */
export async function saveCheckpointDir(dir: string, dims: ModelDims, params: Float32Array, state?: TrainingState, extras?: CheckpointExtras): Promise<void> {
  await saveFilesDir(dir, encodeCheckpoint(dims, params, state, extras));
}

/** Checkpoint files into `dir`, atomically (see above). */
async function saveFilesDir(dir: string, files: Map<string, Uint8Array>): Promise<void> {
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  const release = await acquireSaveLock(`${target}.lock`, target);
  try {
    await saveLocked(target, files);
  } finally {
    await release();
  }
}

async function saveLocked(target: string, files: Map<string, Uint8Array>): Promise<void> {
  const tmp = `${target}.tmp`;
  const old = `${target}.old`;
  await rm(tmp, { recursive: true, force: true });
  // A previous save died between its two renames: `<dir>.old` is the last complete checkpoint; keep it until
  // the new one is in place.
  const oldIsOnlyCopy = (await exists(old)) && !(await exists(target));
  if (!oldIsOnlyCopy) await rm(old, { recursive: true, force: true });

  let current = tmp;
  try {
    await mkdir(tmp);
    for (const [name, bytes] of files) {
      current = join(tmp, name);
      await writeSynced(current, bytes);
    }
    current = tmp;
    await syncDir(tmp);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw new WasmGptError(`saving checkpoint ${target}: writing ${current} failed: ${(e as Error).message}`, { cause: e });
  }

  const hadTarget = await exists(target);
  if (hadTarget) await rename(target, old);
  try {
    await rename(tmp, target);
  } catch (e) {
    if (hadTarget) await rename(old, target).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
    throw new WasmGptError(`saving checkpoint ${target}: renaming ${basename(tmp)} into place failed: ${(e as Error).message}`, { cause: e });
  }
  await syncDir(dirname(target));
  await rm(old, { recursive: true, force: true });
}

/**
 * Loads a checkpoint directory: `config.json`, `model.safetensors`, and the training state when present;
 * `files` has every other checkpoint file found (the tokenizer and generation config too, for `decodeExtras`);
 * not `model.safetensors`, whose bytes may have become `params`.
 * When `dir` is missing but `<dir>.old` exists (a save interrupted between its renames), loads that.
 */
export async function loadCheckpointDir(dir: string, options: DecodeOptions = {}): Promise<Checkpoint & { files: Map<string, Uint8Array>; source: string }> {
  const { files, target } = await readCheckpointDir(dir);
  // The file's bytes are ours alone (read just now), so they may become the parameters.
  const checkpoint = checkpointFromParts(decodeCheckpointParts(files, target, options), options, true);
  files.delete(CHECKPOINT_FILES.model);
  return { ...checkpoint, files, source: target };
}

/** The checkpoint files of `dir` (or of `<dir>.old`, see above), by name. */
async function readCheckpointDir(dir: string): Promise<{ files: Map<string, Uint8Array>; target: string }> {
  let target = resolve(dir);
  if (!(await exists(target)) && (await exists(`${target}.old`))) target = `${target}.old`;
  let names: string[];
  try {
    names = await readdir(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FormatError(`${target}: no checkpoint directory there`, { file: target });
    throw e;
  }
  const files = new Map<string, Uint8Array>();
  for (const name of [...Object.values(CHECKPOINT_FILES), ...Object.values(HF_EXTRA_FILES)]) {
    if (!names.includes(name)) continue;
    let bytes: Buffer;
    try {
      bytes = await readFile(join(target, name));
    } catch (e) {
      throw new FormatError(`${join(target, name)}: cannot be read (${(e as Error).message})`, { file: join(target, name), cause: e });
    }
    files.set(name, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return { files, target };
}

/**
 * Saves a model as a checkpoint directory, atomically (see above). The third argument is a trainer (its
 * training state, for exact resumption) or `{ trainer?, tokenizer?, generationConfig? }`; with a tokenizer the
 * directory is a complete Hugging Face GPT-2 folder (tokenizer.json, tokenizer_config.json, bos/eos ids).
 */
export async function saveCheckpoint(dir: string, model: GPT | QuantizedGPT, trainerOrOptions?: { getState(): TrainingState } | SaveCheckpointOptions): Promise<void> {
  const { trainer, ...extras } = splitTrainer(trainerOrOptions);
  if (model instanceof QuantizedGPT) {
    if (trainer !== undefined) throw new WasmGptError(`saving checkpoint ${resolve(dir)}: a q8 model has no training state to save`);
    await saveFilesDir(dir, model.toCheckpoint(extras));
    return;
  }
  await saveCheckpointDir(dir, model.config, model.getParameters(), trainer?.getState(), extras);
}

/**
 * Loads a checkpoint directory (ours, or a Hugging Face GPT-2 one) into a new model; `state`, when the
 * directory has one, goes to `trainer.setState(state)` of a trainer built with the same options. `tokenizer`
 * (when the directory has tokenizer.json) and `generationConfig` are as `GPT.fromPretrained` returns them.
 * `allowNonFinite` loads NaN or infinite weights instead of refusing them; the other options go to the model.
 */
export async function loadCheckpoint(dir: string, options: GPTOptions & DecodeOptions & { dtype: 'q8' }): Promise<{
  model: QuantizedGPT; tokenizer?: Tokenizer; generationConfig: GenerateOptions;
}>;
export async function loadCheckpoint(dir: string, options?: GPTOptions & DecodeOptions & { dtype?: 'f32' }): Promise<{
  model: GPT; state?: TrainingState; tokenizer?: Tokenizer; generationConfig: GenerateOptions;
}>;
/**
 * With `dtype: 'q8'`: a `QuantizedGPT`, from a q8 checkpoint as saved or from a float32 one quantized while it
 * loads (its training state, if any, is not read). Without: a float32 `GPT` (a q8 checkpoint is refused with
 * a FormatError saying to pass dtype 'q8').
 */
export async function loadCheckpoint(dir: string, options: GPTOptions & DecodeOptions & { dtype?: 'f32' | 'q8' } = {}): Promise<{
  model: GPT | QuantizedGPT; state?: TrainingState; tokenizer?: Tokenizer; generationConfig: GenerateOptions;
}> {
  const { allowNonFinite, dtype, ...modelOptions } = options;
  if (dtype !== undefined && dtype !== 'f32' && dtype !== 'q8') {
    throw new ConfigError('dtype', `loadCheckpoint: dtype must be 'f32' or 'q8', got ${JSON.stringify(dtype)}`);
  }
  const { files, target } = await readCheckpointDir(dir);
  if (dtype === 'q8') {
    // Training state files are not read: a quantized model does not train.
    files.delete(CHECKPOINT_FILES.stateTensors);
    files.delete(CHECKPOINT_FILES.stateMeta);
  }
  const parts = decodeCheckpointParts(files, target, { allowNonFinite, read: dtype === 'q8' ? (name) => name !== CHECKPOINT_FILES.stateTensors && name !== CHECKPOINT_FILES.stateMeta : undefined });
  const extras = decodeExtras((name) => files.get(name), parts.dims, target);
  if (dtype === 'q8') return { model: await QuantizedGPT.fromCheckpointParts(parts, modelOptions, { allowNonFinite }), ...extras };
  const model = await GPT.fromCheckpointParts(parts, modelOptions, { allowNonFinite });
  return { model, state: parts.state, ...extras };
}
