/**
 * Checkpoints as files (browser-safe: no `node:` imports). A checkpoint is a small set of named files:
 *
 *   config.json                  Hugging Face GPT2Config keys (+ our variant keys)      configToHF
 *   model.safetensors            parameters, HF GPT-2 names and Conv1D layout, float32  paramsToHF
 *   training_state.safetensors   optional: named float32 arrays (AdamW moments, in our flat layout)
 *   training_state.json          optional: { version, meta } with the trainer's opaque `meta`
 *   generation_config.json       Sampler defaults as transformers' GenerationConfig             ./hf-files.ts
 *   tokenizer.json, tokenizer_config.json   with a tokenizer                                    ./hf-files.ts
 *   checksums.json               size and checksum of each file above, verified at load (./checksum.ts)
 *
 * `encodeCheckpoint` / `decodeCheckpoint` turn (dims, params, state) into those bytes and back, so any storage
 * works (a Node directory: ./node.ts; OPFS: below; IndexedDB, a download, fetch). The first two files are a
 * complete Hugging Face checkpoint: `GPT2LMHeadModel.from_pretrained(dir)` loads them.
 */
import { CheckpointBusyError, FormatError, ShapeError, WasmGptError } from '../errors.js';
import { paramLayout, q8Layout, type ModelDims } from '../model/layout.js';
import { configFromHF, configToHF, paramsFromHF, paramsFromHFInPlace, paramsToHF } from './hf-gpt2.js';
import { firstNonFinite, readSafetensors, writeSafetensors, type Float32Tensor, type SafetensorsTensor } from './safetensors.js';
import { CHECKSUM_FILE, encodeChecksums, verifyChecksums } from './checksum.js';
import { checkCheckpointDims, checkTrainingState } from './validate.js';
import { HF_EXTRA_FILES, encodeExtras, specialIdsToHF, type CheckpointExtras } from './hf-files.js';
import { Q8_QUANTIZATION, q8ParamsToTensors, quantizationOf } from './q8.js';


export { configFromHF, configToHF, paramsFromHF, paramsToHF, type HFGPT2Config, type TensorInput } from './hf-gpt2.js';
export {
  readSafetensors, writeSafetensors, f16BitsToF32, f32ToF16Bits, bf16BitsToF32, f32ToBf16Bits,
  type Float32Tensor, type SafetensorsDtype, type SafetensorsFile, type SafetensorsTensor,
} from './safetensors.js';
export {
  HF_EXTRA_FILES, decodeExtras, generationConfigFromHF, generationConfigToHF, type CheckpointExtras, type DecodedExtras,
} from './hf-files.js';

/** What a trainer needs besides the weights to resume exactly. `meta` is the trainer's, stored as JSON. */
export interface TrainingState {
  tensors: Record<string, Float32Array>;
  meta: unknown;
  /** Set on a state read from a checkpoint: its training_state.json, so later errors about it name the file. */
  source?: string;
}

export interface DecodeOptions {
  /** Load NaN or infinite weights instead of refusing them with the tensor's name (default false). */
  allowNonFinite?: boolean;
  /** The files the reader looked for; the checksum index is checked for those only (default: all it lists). */
  read?: (name: string) => boolean;
}

export interface Checkpoint {
  dims: ModelDims;
  params: Float32Array;
  state?: TrainingState;
}

/** What a save takes besides the model: a trainer (its state, to resume exactly) and the extras. */
export interface SaveCheckpointOptions extends CheckpointExtras {
  trainer?: { getState(): TrainingState };
}

/** `saveCheckpoint` and `toCheckpoint` take a trainer (as before) or the options bag. */
export function splitTrainer(x: { getState(): TrainingState } | SaveCheckpointOptions | undefined): SaveCheckpointOptions {
  if (x === undefined) return {};
  return typeof (x as { getState?: unknown }).getState === 'function' ? { trainer: x as { getState(): TrainingState } } : (x as SaveCheckpointOptions);
}

export const CHECKPOINT_FILES = {
  config: 'config.json',
  model: 'model.safetensors',
  stateTensors: 'training_state.safetensors',
  stateMeta: 'training_state.json',
  checksums: CHECKSUM_FILE,
} as const;

/** Bumped when the training-state files change incompatibly; model files follow HF and carry no version. */
const TRAINING_STATE_VERSION = 1;
const STATE_FORMAT = 'wasm-gpt-training-state';

/**
 * The checkpoint's files, by name. `params` is the flat layout of `paramLayout(dims)`. `extras` adds the
 * tokenizer files and the generation defaults (generation_config.json is always written: the Sampler's own
 * defaults when none are given).
 */
export function encodeCheckpoint(dims: ModelDims, params: Float32Array, state?: TrainingState, extras: CheckpointExtras = {}): Map<string, Uint8Array> {
  const total = paramLayout(dims).total;
  if (params.length !== total) throw new ShapeError(`encodeCheckpoint: ${params.length} parameters, the config needs ${total}`);
  const text = new TextEncoder();
  const files = new Map<string, Uint8Array>();
  const extraFiles = encodeExtras(dims, extras);
  const config = { ...configToHF(dims), ...specialIdsToHF(extras.tokenizer) };
  files.set(CHECKPOINT_FILES.config, text.encode(JSON.stringify(config, null, 2) + '\n'));
  // HF's loader refuses safetensors files whose metadata lacks format "pt".
  files.set(CHECKPOINT_FILES.model, writeSafetensors(paramsToHF(dims, params), { format: 'pt' }));
  for (const [name, bytes] of extraFiles) files.set(name, bytes);
  if (state !== undefined) {
    const tensors: [string, Float32Tensor][] = Object.entries(state.tensors).map(([name, data]) => {
      if (!(data instanceof Float32Array)) throw new ShapeError(`encodeCheckpoint: training state tensor ${JSON.stringify(name)} is not a Float32Array`);
      return [name, { shape: [data.length], data }];
    });
    files.set(CHECKPOINT_FILES.stateTensors, writeSafetensors(tensors, { format: STATE_FORMAT, version: String(TRAINING_STATE_VERSION) }));
    const meta = JSON.stringify({ format: STATE_FORMAT, version: TRAINING_STATE_VERSION, meta: state.meta ?? null }, null, 2);
    files.set(CHECKPOINT_FILES.stateMeta, text.encode(meta + '\n'));
  }
  files.set(CHECKPOINT_FILES.checksums, encodeChecksums(files));
  return files;
}

/**
 * The files of a q8 checkpoint (./q8.ts): `params` laid out by `q8Layout(dims)` (a `QuantizedGPT`'s). No training
 * state: a quantized model does not train.
 */
export function encodeQ8Checkpoint(dims: ModelDims, params: Float32Array, extras: CheckpointExtras = {}): Map<string, Uint8Array> {
  const total = q8Layout(dims).total;
  if (params.length !== total) throw new ShapeError(`encodeQ8Checkpoint: ${params.length} floats, the q8 layout of the config needs ${total}`);
  const text = new TextEncoder();
  const files = new Map<string, Uint8Array>();
  const config = { ...configToHF(dims), ...specialIdsToHF(extras.tokenizer), quantization: Q8_QUANTIZATION };
  files.set(CHECKPOINT_FILES.config, text.encode(JSON.stringify(config, null, 2) + '\n'));
  files.set(CHECKPOINT_FILES.model, writeSafetensors(q8ParamsToTensors(dims, params), { format: 'pt', quantization: Q8_QUANTIZATION.quant_method }));
  for (const [name, bytes] of encodeExtras(dims, extras)) files.set(name, bytes);
  files.set(CHECKPOINT_FILES.checksums, encodeChecksums(files));
  return files;
}

/**
 * Reads a checkpoint's files (`config.json` and `model.safetensors`, plus both training-state files or
 * neither, and `checksums.json` when present). `source` prefixes every file name in errors (the directory,
 * say). Checks, in order and before the parameters are allocated: the checksums, the config's keys and sizes
 * (against the model file's size and wasm32 memory), every tensor's dtype, shape and finiteness, and the
 * training state against the config. Parameters come back as a fresh array; training-state tensors may share
 * memory with the given bytes.
 */
export function decodeCheckpoint(
  files: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>, source = 'checkpoint', options: DecodeOptions = {},
): Checkpoint {
  return checkpointFromParts(decodeCheckpointParts(files, source, options), options, false);
}

/**
 * @internal The weights of checked `parts` as one parameter array. `ownsFile`: the caller will not read the
 * model file's bytes again, so a file we wrote becomes the array where it lies (`paramsFromHFInPlace`).
 */
export function checkpointFromParts(parts: CheckpointParts, options: DecodeOptions, ownsFile: boolean): Checkpoint {
  refuseQ8(parts);
  const params = (ownsFile ? paramsFromHFInPlace(parts.dims, parts.tensors, parts.modelFile, options) : undefined) ??
    paramsFromHF(parts.dims, parts.tensors, parts.modelFile, options);
  return parts.state === undefined ? { dims: parts.dims, params } : { dims: parts.dims, params, state: parts.state };
}

/** A checkpoint checked in full except for its weights' values, which are left in the file for `writeParamsFromHF`. */
export interface CheckpointParts {
  dims: ModelDims;
  tensors: ReadonlyMap<string, SafetensorsTensor>;
  modelFile: string;
  state?: TrainingState;
  /** 'q8' for a q8 checkpoint (./q8.ts), whose tensors only `writeQ8Params` reads. */
  quantization?: 'q8';
}

/** Float32 loaders' refusal of a q8 checkpoint, with what to call instead. */
export function refuseQ8(parts: CheckpointParts): void {
  if (parts.quantization === 'q8') {
    throw new FormatError(
      `${parts.modelFile}: a q8 checkpoint (config.json has a quantization entry) loads as a QuantizedGPT: ` +
        "QuantizedGPT.fromCheckpoint(files), or loadCheckpoint(dir, { dtype: 'q8' }) in Node",
      { file: parts.modelFile },
    );
  }
}

/**
 * @internal `decodeCheckpoint` up to the weights: loaders that build a model convert the weights straight into
 * its memory (`writeParamsFromHF`) instead of through a parameter array.
 */
export function decodeCheckpointParts(
  files: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array>, source: string, options: DecodeOptions,
): CheckpointParts {
  const byName = new Map<string, Uint8Array>(files instanceof Map ? files : Object.entries(files as Record<string, Uint8Array>));
  const path = (name: string) => `${source.replace(/\/+$/, "")}/${name}`;
  const need = (name: string): Uint8Array => {
    const bytes = byName.get(name);
    if (bytes === undefined) throw new FormatError(`${path(name)}: missing (${source} is not a complete checkpoint)`, { file: path(name) });
    return bytes;
  };
  const index = byName.get(CHECKPOINT_FILES.checksums);
  if (index !== undefined) verifyChecksums(index, byName, path, options.read);

  const configFile = path(CHECKPOINT_FILES.config);
  const modelFile = path(CHECKPOINT_FILES.model);
  const configJson = parseJson(need(CHECKPOINT_FILES.config), configFile);
  const dims = configFromHF(configJson, configFile);
  const quantization = quantizationOf(configJson, configFile);
  const modelBytes = need(CHECKPOINT_FILES.model);
  // q8: a byte per weight and a float per 32 of them.
  checkCheckpointDims(dims, configFile, modelFile, modelBytes.length, quantization === 'q8' ? 1 : undefined);
  const model = readSafetensors(modelBytes, modelFile);
  if (quantization === 'q8') {
    if (byName.has(CHECKPOINT_FILES.stateTensors) || byName.has(CHECKPOINT_FILES.stateMeta)) {
      throw new FormatError(`${path(CHECKPOINT_FILES.stateMeta)}: a q8 checkpoint cannot carry a training state (a quantized model does not train)`, { file: path(CHECKPOINT_FILES.stateMeta) });
    }
    return { dims, tensors: model.tensors, modelFile, quantization };
  }

  const stateBytes = byName.get(CHECKPOINT_FILES.stateTensors);
  const metaBytes = byName.get(CHECKPOINT_FILES.stateMeta);
  if (stateBytes === undefined && metaBytes === undefined) return { dims, tensors: model.tensors, modelFile };
  if (stateBytes === undefined || metaBytes === undefined) {
    const [have, missing] = stateBytes === undefined
      ? [CHECKPOINT_FILES.stateMeta, CHECKPOINT_FILES.stateTensors]
      : [CHECKPOINT_FILES.stateTensors, CHECKPOINT_FILES.stateMeta];
    throw new FormatError(`${path(missing)}: missing, but ${have} is there (the training state needs both)`, { file: path(missing) });
  }
  const metaPath = path(CHECKPOINT_FILES.stateMeta);
  const tensorPath = path(CHECKPOINT_FILES.stateTensors);
  const metaFile = parseJson(metaBytes, metaPath) as Record<string, unknown> | null;
  if (metaFile === null || typeof metaFile !== 'object' || metaFile.format !== STATE_FORMAT || !('meta' in metaFile)) {
    throw new FormatError(`${metaPath}: not a wasm-gpt training state (format "${STATE_FORMAT}" with a "meta" key)`, { file: metaPath });
  }
  if (metaFile.version !== TRAINING_STATE_VERSION) {
    throw new FormatError(`${metaPath}: training state version ${JSON.stringify(metaFile.version)}, this library reads ${TRAINING_STATE_VERSION}`, { file: metaPath, key: 'version' });
  }
  const stateFile = readSafetensors(stateBytes, tensorPath);
  checkTrainingState(metaFile.meta, stateFile.tensors, dims, metaPath, tensorPath);
  const tensors: Record<string, Float32Array> = {};
  for (const [name, t] of stateFile.tensors) {
    const data = t.toFloat32();
    const bad = options.allowNonFinite === true ? -1 : firstNonFinite(data);
    if (bad >= 0) throw new FormatError(`${tensorPath}: tensor ${name} element ${bad} is ${data[bad]} (non-finite; the file is corrupted)`, { file: tensorPath, key: name });
    // AdamW's second moment is a running mean of squares: a negative one makes the step's sqrt NaN.
    if (name === 'adamw.v') {
      const negative = data.findIndex((x) => x < 0);
      if (negative >= 0) throw new FormatError(`${tensorPath}: tensor adamw.v element ${negative} is ${data[negative]}, but second moments are ≥ 0 (the file is corrupted)`, { file: tensorPath, key: name });
    }
    tensors[name] = data;
  }
  return { dims, tensors: model.tensors, modelFile, state: { tensors, meta: metaFile.meta, source: metaPath } };
}

function parseJson(bytes: Uint8Array, source: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new FormatError(`${source}: not valid JSON (${(e as Error).message})`, { file: source });
  }
}

// ---- Origin Private File System ---------------------------------------------------------------------------
//
// OPFS has no rename of a directory and `FileSystemHandle.move` is not everywhere, so a checkpoint save is a
// small journal inside the checkpoint's directory:
//   1. write every file as `<name>.tmp`; then write the marker `commit.tmp`, which says the .tmp set is complete;
//   2. commit: each `<name>.tmp` becomes `<name>` (move() where it exists, else a copy through createWritable,
//      which itself replaces the target only when the writable is closed), then the .tmp files and the marker
//      are removed (marker last); files of the old checkpoint that the new one lacks (training state) go too.
// A crash in step 1 leaves the old checkpoint untouched (the next load drops the stray .tmp files); a crash in
// step 2 leaves a complete .tmp set plus its marker, and the next load (or save) finishes the commit first. So a
// load sees either the old checkpoint or the new one, never a mix; checksums.json is part of the set, so even a
// mix made some other way is refused at load. Closing the page at any point of a save is such a crash: writables
// never closed leave no trace. Tabs and workers are coordinated with the Web Locks API where it exists: a save
// holds an exclusive lock on the directory's name (a second save meanwhile throws CheckpointBusyError), and a
// load waits for it, since the load's own recovery would otherwise delete a running save's .tmp files.

const COMMIT_MARKER = 'commit.tmp';
const ALL_FILES: string[] = [...Object.values(CHECKPOINT_FILES), ...Object.values(HF_EXTRA_FILES)];

/** The subset of the File System Access API used here (so tests can pass an in-memory twin). */
export interface OPFSDirectory {
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<OPFSDirectory>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<OPFSFile>;
  removeEntry(name: string): Promise<void>;
}
export interface OPFSFile {
  getFile(): Promise<Blob>;
  createWritable(): Promise<{ write(data: Uint8Array): Promise<void>; close(): Promise<void>; abort?(): Promise<void> }>;
  move?(newName: string): Promise<void>;
}

/** The part of the Web Locks API used here. */
interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/** Runs `fn` holding the directory's Web Lock (see above); without the API (older engines), runs it as is. */
async function withDirLock<T>(dirName: string, ifAvailable: boolean, fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (typeof locks?.request !== 'function') return fn();
  return locks.request(`wasm-gpt-checkpoint:${dirName}`, { ifAvailable }, async (lock) => {
    if (lock === null) {
      throw new CheckpointBusyError(`OPFS ${dirName}`, `saving checkpoint OPFS ${dirName}: another tab or worker is saving into it; nothing was written, retry when it is done`);
    }
    return fn();
  });
}

async function opfsRoot(root?: OPFSDirectory): Promise<OPFSDirectory> {
  if (root !== undefined) return root;
  const storage = (globalThis as { navigator?: { storage?: { getDirectory?: () => Promise<unknown> } } }).navigator?.storage;
  if (storage?.getDirectory === undefined) throw new WasmGptError('OPFS is not available here (no navigator.storage.getDirectory)');
  return (await storage.getDirectory()) as OPFSDirectory;
}

async function handleOpt(dir: OPFSDirectory, name: string): Promise<OPFSFile | undefined> {
  try {
    return await dir.getFileHandle(name);
  } catch (e) {
    if ((e as { name?: string }).name === 'NotFoundError') return undefined;
    throw e;
  }
}

async function readOpt(dir: OPFSDirectory, name: string): Promise<Uint8Array | undefined> {
  const handle = await handleOpt(dir, name);
  return handle === undefined ? undefined : new Uint8Array(await (await handle.getFile()).arrayBuffer());
}

async function removeOpt(dir: OPFSDirectory, name: string): Promise<void> {
  try {
    await dir.removeEntry(name);
  } catch (e) {
    if ((e as { name?: string }).name !== 'NotFoundError') throw e;
  }
}

async function writeFile(dir: OPFSDirectory, name: string, bytes: Uint8Array): Promise<void> {
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  try {
    await w.write(bytes);
  } catch (e) {
    await w.abort?.();
    throw e;
  }
  await w.close();
}

/** The file list of a commit marker, or undefined when it is unreadable (a write that never closed). */
function parseMarker(bytes: Uint8Array): string[] | undefined {
  try {
    const names: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (Array.isArray(names) && names.length > 0 && names.every((n) => ALL_FILES.includes(n))) return names as string[];
  } catch {
    // fall through
  }
  return undefined;
}

/** Finishes an interrupted save (marker present) or drops the debris of one that never completed. */
async function recover(dir: OPFSDirectory): Promise<void> {
  const marker = await readOpt(dir, COMMIT_MARKER);
  const names = marker === undefined ? undefined : parseMarker(marker);
  if (names === undefined) {
    // No complete marker: the save never reached its commit, so the final files are the old checkpoint.
    for (const name of ALL_FILES) await removeOpt(dir, `${name}.tmp`);
    await removeOpt(dir, COMMIT_MARKER);
    return;
  }
  for (const name of names) {
    const handle = await handleOpt(dir, `${name}.tmp`);
    if (handle === undefined) continue; // already moved into place before the interruption
    if (typeof handle.move === 'function') {
      await removeOpt(dir, name);
      await handle.move(name);
    } else {
      await writeFile(dir, name, new Uint8Array(await (await handle.getFile()).arrayBuffer()));
      await dir.removeEntry(`${name}.tmp`);
    }
  }
  // A training state the new checkpoint lacks would pair new weights with old moments. Tokenizer files are
  // left alone: apps may keep their own tokenizer.json beside a checkpoint saved without one.
  for (const name of Object.values(CHECKPOINT_FILES)) if (!names.includes(name)) await removeOpt(dir, name);
  await dir.removeEntry(COMMIT_MARKER);
}

/**
 * Saves a checkpoint into OPFS directory `dirName` (created if needed), replacing the one there without ever
 * exposing a half-written mix (see the journal above). `root` defaults to `navigator.storage.getDirectory()`.
 */
export async function saveCheckpointOPFS(
  dirName: string, dims: ModelDims, params: Float32Array, state?: TrainingState, root?: OPFSDirectory, extras?: CheckpointExtras,
): Promise<void> {
  const files = encodeCheckpoint(dims, params, state, extras);
  const dir = await (await opfsRoot(root)).getDirectoryHandle(dirName, { create: true });
  await withDirLock(dirName, true, async () => {
    await recover(dir);
    try {
      for (const [name, bytes] of files) await writeFile(dir, `${name}.tmp`, bytes);
    } catch (e) {
      for (const name of files.keys()) await removeOpt(dir, `${name}.tmp`).catch(() => undefined);
      throw e;
    }
    await writeFile(dir, COMMIT_MARKER, new TextEncoder().encode(JSON.stringify([...files.keys()])));
    await recover(dir);
  });
}

/** Loads the checkpoint in OPFS directory `dirName`, first finishing a save that was interrupted mid-commit. */
export async function loadCheckpointOPFS(dirName: string, root?: OPFSDirectory, options: DecodeOptions = {}): Promise<Checkpoint> {
  let dir: OPFSDirectory;
  try {
    dir = await (await opfsRoot(root)).getDirectoryHandle(dirName);
  } catch (e) {
    if ((e as { name?: string }).name === 'NotFoundError') throw new FormatError(`OPFS ${dirName}: no such checkpoint directory`, { file: `OPFS ${dirName}` });
    throw e;
  }
  const files = new Map<string, Uint8Array>();
  await withDirLock(dirName, false, async () => {
    await recover(dir);
    for (const name of ALL_FILES) {
      const bytes = await readOpt(dir, name);
      if (bytes !== undefined) files.set(name, bytes);
    }
  });
  return decodeCheckpoint(files, `OPFS ${dirName}`, options);
}
