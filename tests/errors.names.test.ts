/**
 * Error names are the code the worker boundary matches on, so they must not come from `constructor.name`
 * (a minifier renames classes). Here: each class's name is its exported name, stated on the prototype, and a
 * class whose constructor name was mangled still round-trips through the wire format with its class and fields.
 */
import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';
import { fromWireError, toWireError } from '../src/worker/wire-error.js';

const classes = Object.entries(errors).filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error) as
  [string, new (...args: never[]) => Error][];

describe('error names', () => {
  it('every exported error class names itself on its prototype, as exported', () => {
    expect(classes.map(([name]) => name).sort()).toEqual([
      'CheckpointBusyError', 'ConfigError', 'DisposedError', 'FormatError', 'MemoryLimitError', 'NonFiniteError',
      'ShapeError', 'TokenizerError', 'WasmGptError', 'WasmRuntimeError', 'WorkerError',
    ]);
    for (const [name, Class] of classes) {
      expect(Object.prototype.hasOwnProperty.call(Class.prototype, 'name')).toBe(true);
      expect(Class.prototype.name).toBe(name);
    }
  });

  it('an instance reports its class name even when the class binding was renamed, as a minifier does', () => {
    // What a minifier leaves: the same class object, its constructor name mangled.
    Object.defineProperty(errors.ConfigError, 'name', { value: 'z', configurable: true });
    try {
      const err = new errors.ConfigError('lr', 'lr must be positive, got -1');
      expect(err.name).toBe('ConfigError');
      const back = fromWireError(structuredClone(toWireError(err)));
      expect(back).toBeInstanceOf(errors.ConfigError);
      expect(back.name).toBe('ConfigError');
      expect((back as errors.ConfigError).key).toBe('lr');
      expect(back.message).toBe('lr must be positive, got -1');
    } finally {
      Object.defineProperty(errors.ConfigError, 'name', { value: 'ConfigError', configurable: true });
    }
  });

  it('ShapeError is a WasmGptError (no longer a RangeError) and says so in its name', () => {
    const err = new errors.ShapeError('a has length 3, expected 4');
    expect(err).toBeInstanceOf(errors.WasmGptError);
    expect(err).not.toBeInstanceOf(RangeError);
    expect(err.name).toBe('ShapeError');
    expect(String(err)).toBe('ShapeError: a has length 3, expected 4');
  });
});
