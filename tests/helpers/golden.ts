/**
 * Comparison against a golden reference (the PyTorch fixtures, computed in float64, stored as float32), with
 * llm.c-style diagnostics. The one tolerance rule, for a tensor `want` and our float32 result `got`:
 *
 *   |got[i] − want[i]| ≤ GOLDEN.rel · |want[i]| + GOLDEN.abs · max_j |want[j]|
 *
 * i.e. a relative error per element plus an absolute floor scaled by the tensor's own magnitude, so small
 * gradient entries next to large ones are judged on the tensor's scale (float32 forward/backward passes carry
 * errors of order ε · the largest terms summed, not ε · each entry). Scalars (losses, norms) use the same rule
 * with max |want| = |want|.
 */
export const GOLDEN = { rel: 1e-4, abs: 1e-5 };

export interface Diff {
  label: string;
  maxAbs: number;
  maxRel: number;
  /** Index of the element closest to (or furthest past) its bound, and got/want there. */
  worst: number;
  got: number;
  want: number;
  /** max over elements of error / bound: ≤ 1 passes. */
  ratio: number;
  scale: number;
}

export function goldenDiff(label: string, got: ArrayLike<number>, want: ArrayLike<number>): Diff {
  if (got.length !== want.length) throw new Error(`${label}: ${got.length} values, reference has ${want.length}`);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  const d: Diff = { label, maxAbs: 0, maxRel: 0, worst: 0, got: got[0], want: want[0], ratio: 0, scale };
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    const bound = GOLDEN.rel * Math.abs(want[i]) + GOLDEN.abs * scale;
    const ratio = Number.isNaN(err) ? Infinity : err === 0 ? 0 : err / bound;
    d.maxAbs = Math.max(d.maxAbs, err);
    if (want[i] !== 0) d.maxRel = Math.max(d.maxRel, err / Math.abs(want[i]));
    if (ratio > d.ratio || i === 0) [d.ratio, d.worst, d.got, d.want] = [ratio, i, got[i], want[i]];
  }
  return d;
}

export function formatDiff(d: Diff): string {
  const e = (x: number) => x.toExponential(2);
  return `${d.ratio <= 1 ? 'OK    ' : 'NOT OK'} ${d.label.padEnd(36)} max abs ${e(d.maxAbs)}  max rel ${e(d.maxRel)}  ` +
    `scale ${e(d.scale)}  worst [${d.worst}] got ${d.got.toPrecision(7)} want ${d.want.toPrecision(7)} (${d.ratio.toFixed(2)}× bound)`;
}
