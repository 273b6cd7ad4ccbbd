// STUB: to be replaced by the pure-TypeScript encoder ops.
import type { JsKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function jsEncoderOps(): Pick<JsKernels, 'positionalSinusoidal' | 'encoderForward' | 'encoderBackward'> {
  return {
    positionalSinusoidal: notYet('positionalSinusoidal'),
    encoderForward: notYet('encoderForward'),
    encoderBackward: notYet('encoderBackward'),
  };
}
