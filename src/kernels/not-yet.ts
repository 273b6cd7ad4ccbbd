import { WasmGptError } from '../errors.js';

/** Placeholder for an op whose implementation has not landed yet. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function notYet(op: string): (...args: any[]) => never {
  return () => {
    throw new WasmGptError(`kernel ${op} is not implemented yet`);
  };
}
