/**
 * Errors across the worker boundary. comlink keeps only an Error's name, message and stack, so the worker sends
 * a plain `WireError` instead and the main side rebuilds the typed error: its class (every error class exported
 * by errors.ts, found there rather than listed again here), its own fields (`ConfigError.key`,
 * `NonFiniteError.step`) and its `cause` chain.
 */
import * as errors from '../errors.js';

export interface WireError {
  wasmGptWireError: 1;
  name: string;
  message: string;
  stack?: string;
  /** The error's own plain fields besides name, message and stack (`key`, `step`, ...). */
  fields?: Record<string, string | number | boolean>;
  cause?: WireError;
}

type ErrorClass = abstract new (...args: never[]) => Error;

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && (value === Error || value.prototype instanceof Error);
}

/** By name: the library's classes, and the built-in ones an argument check may throw. */
const CLASSES: ReadonlyMap<string, ErrorClass> = new Map(
  [...Object.values(errors) as unknown[], RangeError, TypeError, SyntaxError, Error].filter(isErrorClass).map((c) => [c.name, c]),
);

const CAUSE_DEPTH = 4;

export function toWireError(err: unknown, depth = 0): WireError {
  if (!(err instanceof Error)) return { wasmGptWireError: 1, name: 'Error', message: String(err) };
  const wire: WireError = { wasmGptWireError: 1, name: err.name, message: err.message, stack: err.stack };
  for (const [key, value] of Object.entries(err)) {
    if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') (wire.fields ??= {})[key] = value;
  }
  if (err.cause !== undefined && depth < CAUSE_DEPTH) wire.cause = toWireError(err.cause, depth + 1);
  return wire;
}

export function isWireError(value: unknown): value is WireError {
  return typeof value === 'object' && value !== null && (value as WireError).wasmGptWireError === 1;
}

/**
 * The typed error a `WireError` stands for, its stack the worker's. Built without calling the class's
 * constructor (their signatures differ: `ConfigError(key, message)`), then given the fields the worker sent.
 */
export function fromWireError(wire: WireError): Error {
  const Class = CLASSES.get(wire.name);
  const err: Error = Reflect.construct(Error, [wire.message], Class ?? Error);
  if (err.name !== wire.name) err.name = wire.name;
  if (wire.fields !== undefined) Object.assign(err, wire.fields);
  if (wire.cause !== undefined) Object.defineProperty(err, 'cause', { value: fromWireError(wire.cause), configurable: true, writable: true });
  if (wire.stack !== undefined) err.stack = wire.stack;
  return err;
}
