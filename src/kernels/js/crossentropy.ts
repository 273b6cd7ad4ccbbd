// STUB: to be replaced by the pure-TypeScript crossentropy ops.
import type { JsKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function jsCrossEntropyOps(): Pick<JsKernels, 'crossEntropyForward' | 'crossEntropyBackward'> {
  return {
    crossEntropyForward: notYet('crossEntropyForward'),
    crossEntropyBackward: notYet('crossEntropyBackward'),
  };
}
