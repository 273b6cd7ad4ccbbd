/**
 * A loss-curve chart as a standalone SVG document: training loss (raw, faint, plus an exponential moving
 * average) and validation loss (points joined by a line) against the optimizer step, with labelled axes.
 */

export interface LossHistory {
  /** [step, loss] per optimizer step. */
  train: Array<[number, number]>;
  /** [step, val loss] per evaluation. */
  val: Array<[number, number]>;
}

const W = 720;
const H = 420;
const PAD = { left: 64, right: 24, top: 40, bottom: 52 };

/** "Nice" tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Exponential moving average with bias correction (like TensorBoard's smoothing), so early points are not dragged to 0. */
export function smooth(values: number[], beta = 0.9): number[] {
  const out: number[] = [];
  let avg = 0;
  for (let i = 0; i < values.length; i++) {
    avg = beta * avg + (1 - beta) * values[i];
    out.push(avg / (1 - beta ** (i + 1)));
  }
  return out;
}

export function lossCurveSvg(history: LossHistory, title = 'wasm-gpt training loss'): string {
  const train = history.train.filter(([, l]) => Number.isFinite(l));
  const val = history.val.filter(([, l]) => Number.isFinite(l));
  const all = [...train, ...val];
  const maxStep = Math.max(1, ...all.map(([s]) => s));
  const minStep = Math.min(maxStep - 1, ...all.map(([s]) => s));
  const losses = all.map(([, l]) => l);
  let lo = losses.length ? Math.min(...losses) : 0;
  let hi = losses.length ? Math.max(...losses) : 1;
  if (hi - lo < 1e-6) {
    lo -= 0.5;
    hi += 0.5;
  }
  const margin = (hi - lo) * 0.05;
  lo = Math.max(0, lo - margin);
  hi += margin;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (s: number) => PAD.left + ((s - minStep) / (maxStep - minStep)) * plotW;
  const y = (l: number) => PAD.top + (1 - (l - lo) / (hi - lo)) * plotH;
  const path = (pts: Array<[number, number]>) => pts.map(([s, l], i) => `${i ? 'L' : 'M'}${x(s).toFixed(1)},${y(l).toFixed(1)}`).join(' ');

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`);
  for (const t of niceTicks(lo, hi)) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
  }
  for (const t of niceTicks(minStep, maxStep).filter((t) => t >= minStep)) {
    parts.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#f0f0f0"/>`);
    parts.push(`<text x="${x(t).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  parts.push(`<text x="${PAD.left + plotW / 2}" y="${H - 12}" text-anchor="middle">step</text>`);
  parts.push(`<text transform="translate(16 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">cross-entropy loss (nats/token)</text>`);
  if (train.length > 0) {
    parts.push(`<path d="${path(train)}" fill="none" stroke="#1f77b4" stroke-opacity="0.25" stroke-width="1"/>`);
    const ema = smooth(train.map(([, l]) => l));
    parts.push(`<path d="${path(train.map(([s], i) => [s, ema[i]]))}" fill="none" stroke="#1f77b4" stroke-width="2"/>`);
  }
  if (val.length > 0) {
    parts.push(`<path d="${path(val)}" fill="none" stroke="#d62728" stroke-width="2"/>`);
    for (const [s, l] of val) parts.push(`<circle cx="${x(s).toFixed(1)}" cy="${y(l).toFixed(1)}" r="3" fill="#d62728"/>`);
  }
  const legendX = W - PAD.right - 170;
  parts.push(`<rect x="${legendX}" y="${PAD.top + 8}" width="160" height="${val.length ? 44 : 26}" fill="white" stroke="#ccc"/>`);
  parts.push(`<line x1="${legendX + 8}" x2="${legendX + 30}" y1="${PAD.top + 22}" y2="${PAD.top + 22}" stroke="#1f77b4" stroke-width="2"/>`);
  parts.push(`<text x="${legendX + 36}" y="${PAD.top + 26}">train (smoothed)</text>`);
  if (val.length) {
    parts.push(`<line x1="${legendX + 8}" x2="${legendX + 30}" y1="${PAD.top + 40}" y2="${PAD.top + 40}" stroke="#d62728" stroke-width="2"/>`);
    parts.push(`<text x="${legendX + 36}" y="${PAD.top + 44}">validation</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
