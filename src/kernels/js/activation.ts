// STUB: to be replaced by the pure-TypeScript activation ops.
import type { JsKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function jsActivationOps(): Pick<JsKernels, 'geluForward' | 'geluBackward' | 'reluForward' | 'reluBackward'> {
  return {
    geluForward: notYet('geluForward'),
    geluBackward: notYet('geluBackward'),
    reluForward: notYet('reluForward'),
    reluBackward: notYet('reluBackward'),
  };
}
