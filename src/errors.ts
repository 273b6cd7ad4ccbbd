/**
 * Typed errors thrown by wasm-gpt. Every message names the thing that is wrong (argument, tensor, file, token)
 * and, where it helps, what was expected and what was got, so a user can fix the call without reading our code.
 */

/** Base class: `err instanceof WasmGptError` catches everything this library throws on purpose. */
export class WasmGptError extends Error {}

/**
 * A tensor, matrix, buffer or id list has the wrong shape, length or an element outside its range (a token id
 * past the vocabulary, a batch size of 0). Before issue 16 it was a `RangeError`; it is now a `WasmGptError`
 * like everything else the library throws, so one `instanceof WasmGptError` catches all of them.
 */
export class ShapeError extends WasmGptError {}

/** The Rust core reported a failure (a panic, an allocation failure, or a status code). */
export class WasmRuntimeError extends WasmGptError {}

/**
 * A checkpoint, vocabulary or data file is missing, malformed, corrupted (checksum), or inconsistent with the
 * config or another file. The message starts with the file; `file` holds it, `key` the JSON key or tensor
 * name when one is to blame.
 */
export class FormatError extends WasmGptError {
  /** The file (path or label) at fault, when the thrower knew it. */
  readonly file?: string;
  /** The key, tensor or field inside `file` at fault, when there is one. */
  readonly key?: string;
  constructor(message: string, options?: { file?: string; key?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.file !== undefined) this.file = options.file;
    if (options?.key !== undefined) this.key = options.key;
  }
}

/** A tokenizer was asked to do something it cannot (unknown special token, id outside the vocabulary, ...). */
export class TokenizerError extends WasmGptError {}

/** Describe a value for an error message without dumping large objects. */
export function describeValue(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length: number }).length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  return typeof value;
}

/** A model, trainer or sampler option is unknown, of the wrong type, or inconsistent with another. */
export class ConfigError extends WasmGptError {
  /** The offending option's name (dotted for nested options). */
  readonly key: string;
  constructor(key: string, message: string) {
    super(message);
    this.key = key;
  }
}

/** The model or its training state would not fit in memory (wasm32 has a 4 GiB address space). */
export class MemoryLimitError extends WasmGptError {}

/** A training step produced a NaN or infinite loss or gradient; the step was not applied. */
export class NonFiniteError extends WasmGptError {
  readonly step: number;
  constructor(step: number, message: string) {
    super(message);
    this.step = step;
  }
}

/**
 * A wasm-gpt worker (see `createWorker`) is gone: it crashed (uncaught exception, out of memory), exited, or was
 * terminated. Every call that was pending, and every call made afterwards, rejects with it; `cause` is the
 * worker's own error where there is one.
 */
export class WorkerError extends WasmGptError {}

/** A model, trainer or sampler was used after its `dispose()`. */
export class DisposedError extends WasmGptError {}

/**
 * Another save into the same checkpoint directory is in progress (another process in Node, another tab or
 * worker in a browser); this save did not touch the directory. Retry when the other save is done.
 */
export class CheckpointBusyError extends WasmGptError {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.file = file;
  }
}

/*
 * Every class's `name` is set here, on its prototype, from a string, never from `constructor.name`: minifiers
 * rename classes (a ConfigError would call itself 'z'), and the worker's bundle and the page's are minified
 * differently, so the name is the stable code the worker boundary matches on (worker/wire-error.ts). Object
 * keys survive minification; tests/errors.names.test.ts checks that every exported class is listed.
 */
for (const [name, Class] of Object.entries({
  WasmGptError, ShapeError, WasmRuntimeError, FormatError, TokenizerError, ConfigError, MemoryLimitError,
  NonFiniteError, WorkerError, DisposedError, CheckpointBusyError,
})) {
  Class.prototype.name = name;
}
