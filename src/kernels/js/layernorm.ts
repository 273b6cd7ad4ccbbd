// STUB: to be replaced by the pure-TypeScript layernorm ops.
import type { JsKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function jsLayernormOps(): Pick<JsKernels, 'layernormForward' | 'layernormBackward'> {
  return {
    layernormForward: notYet('layernormForward'),
    layernormBackward: notYet('layernormBackward'),
  };
}
