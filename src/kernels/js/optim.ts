// STUB: to be replaced by the pure-TypeScript optim ops.
import type { JsKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function jsOptimOps(): Pick<JsKernels, 'adamw' | 'gradNorm' | 'scale'> {
  return {
    adamw: notYet('adamw'),
    gradNorm: notYet('gradNorm'),
    scale: notYet('scale'),
  };
}
