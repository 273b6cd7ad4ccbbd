// STUB: to be replaced by the pure-TypeScript dropout ops.
import type { JsKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function jsDropoutOps(): Pick<JsKernels, 'dropoutForward' | 'dropoutBackward'> {
  return {
    dropoutForward: notYet('dropoutForward'),
    dropoutBackward: notYet('dropoutBackward'),
  };
}
