// STUB: to be replaced by the pure-TypeScript attention ops.
import type { JsKernels } from '../index.js';
import { notYet } from '../not-yet.js';

export function jsAttentionOps(): Pick<JsKernels, 'attentionForward' | 'attentionBackward'> {
  return {
    attentionForward: notYet('attentionForward'),
    attentionBackward: notYet('attentionBackward'),
  };
}
