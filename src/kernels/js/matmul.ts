// STUB: to be replaced by the pure-TypeScript matmul ops.
import type { JsKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function jsMatmulOps(): Pick<JsKernels, 'matmulForward' | 'matmulBackward'> {
  return {
    matmulForward: notYet('matmulForward'),
    matmulBackward: notYet('matmulBackward'),
  };
}
