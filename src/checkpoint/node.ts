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
 * was; a failure at step 3 renames `<dir>.old` back. Concurrent saves into the same directory are not
 * coordinated.
 */
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FormatError, WasmGptError } from '../errors.js';
import type { ModelDims } from '../model/layout.js';
import {
  CHECKPOINT_FILES, decodeCheckpoint, encodeCheckpoint, splitTrainer, type Checkpoint, type SaveCheckpointOptions, type TrainingState,
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

/**
 * Saves a checkpoint directory atomically (see above); replaces an existing checkpoint at `dir`. `extras` adds
 * the tokenizer and generation defaults (see `encodeCheckpoint`).
 */
export async function saveCheckpointDir(dir: string, dims: ModelDims, params: Float32Array, state?: TrainingState, extras?: CheckpointExtras): Promise<void> {
  const files = encodeCheckpoint(dims, params, state, extras);
  const target = resolve(dir);
  const tmp = `${target}.tmp`;
  const old = `${target}.old`;
  await mkdir(dirname(target), { recursive: true });
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
 * `files` has every checkpoint file found (the tokenizer and generation config too, for `decodeExtras`).
 * When `dir` is missing but `<dir>.old` exists (a save interrupted between its renames), loads that.
 */
export async function loadCheckpointDir(dir: string): Promise<Checkpoint & { files: Map<string, Uint8Array>; source: string }> {
  let target = resolve(dir);
  if (!(await exists(target)) && (await exists(`${target}.old`))) target = `${target}.old`;
  let names: string[];
  try {
    names = await readdir(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FormatError(`${target}: no checkpoint directory there`);
    throw e;
  }
  const files = new Map<string, Uint8Array>();
  for (const name of [...Object.values(CHECKPOINT_FILES), ...Object.values(HF_EXTRA_FILES)]) {
    if (!names.includes(name)) continue;
    const bytes = await readFile(join(target, name));
    files.set(name, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return { ...decodeCheckpoint(files, target), files, source: target };
}

/**
 * Saves a model as a checkpoint directory, atomically (see above). The third argument is a trainer (its
 * training state, for exact resumption) or `{ trainer?, tokenizer?, generationConfig? }`; with a tokenizer the
 * directory is a complete Hugging Face GPT-2 folder (tokenizer.json, tokenizer_config.json, bos/eos ids).
 */
export async function saveCheckpoint(dir: string, model: GPT, trainerOrOptions?: { getState(): TrainingState } | SaveCheckpointOptions): Promise<void> {
  const { trainer, ...extras } = splitTrainer(trainerOrOptions);
  await saveCheckpointDir(dir, model.config, model.getParameters(), trainer?.getState(), extras);
}

/**
 * Loads a checkpoint directory (ours, or a Hugging Face GPT-2 one) into a new model; `state`, when the
 * directory has one, goes to `trainer.setState(state)` of a trainer built with the same options. `tokenizer`
 * (when the directory has tokenizer.json) and `generationConfig` are as `GPT.fromPretrained` returns them.
 */
export async function loadCheckpoint(dir: string, options: GPTOptions = {}): Promise<{
  model: GPT; state?: TrainingState; tokenizer?: Tokenizer; generationConfig: GenerateOptions;
}> {
  const ck = await loadCheckpointDir(dir);
  const extras = decodeExtras((name) => ck.files.get(name), ck.dims, ck.source);
  const model = await GPT.fromParameters(ck.dims, ck.params, options);
  return { model, state: ck.state, ...extras };
}
