// STUB: to be replaced by the pure-TypeScript residual ops.
import type { JsKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function jsResidualOps(): Pick<JsKernels, 'residualForward' | 'residualBackward'> {
  return {
    residualForward: notYet('residualForward'),
    residualBackward: notYet('residualBackward'),
  };
}
