import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';
import { ConfigError, NonFiniteError, ShapeError, WasmGptError } from '../src/errors.js';
import { fromWireError, toWireError } from '../src/worker/wire-error.js';

const roundTrip = (err: unknown) => fromWireError(structuredClone(toWireError(err)));

describe('errors across the worker boundary', () => {
  it('rebuilds every error class errors.ts exports, with its name and message', () => {
    const classes = Object.values(errors).filter((v): v is new (...a: never[]) => Error => typeof v === 'function' && v.prototype instanceof Error);
    expect(classes.length).toBeGreaterThanOrEqual(9);
    for (const Class of classes) {
      const original: Error = Reflect.construct(Class, Class === ConfigError ? ['k', 'bad k'] : Class === NonFiniteError ? [7, 'nan at 7'] : ['boom']);
      const back = roundTrip(original);
      expect(back).toBeInstanceOf(Class);
      expect(back.name).toBe(original.name);
      expect(back.message).toBe(original.message);
      expect(back.stack).toBe(original.stack);
    }
  });

  it('keeps ConfigError.key, NonFiniteError.step and the cause chain', () => {
    const err = new WasmGptError('outer', { cause: new ConfigError('batchSize', 'batchSize must be ≥ 1') });
    const back = roundTrip(err);
    expect(back).toBeInstanceOf(WasmGptError);
    expect(back.cause).toBeInstanceOf(ConfigError);
    expect((back.cause as ConfigError).key).toBe('batchSize');
    expect((roundTrip(new NonFiniteError(12, 'loss is NaN')) as NonFiniteError).step).toBe(12);
  });

  it('keeps built-in classes and unknown names, and wraps non-errors', () => {
    expect(roundTrip(new TypeError('t'))).toBeInstanceOf(TypeError);
    expect(roundTrip(new ShapeError('s'))).toBeInstanceOf(ShapeError);
    const custom = Object.assign(new Error('x'), { name: 'AbortError' });
    const back = roundTrip(custom);
    expect(back.name).toBe('AbortError');
    expect(back).toBeInstanceOf(Error);
    expect(roundTrip('plain string').message).toBe('plain string');
  });
});
