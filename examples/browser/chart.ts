/**
 * The live loss chart: two series (training loss per step, validation loss per evaluation) on a canvas, drawn
 * at most once per animation frame however fast steps arrive. The canvas keeps an up-to-date aria-label, since
 * a picture alone says nothing to a screen reader.
 */
export interface Point {
  step: number;
  loss: number;
}

const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

export class LossChart {
  readonly train: Point[] = [];
  readonly val: Point[] = [];
  readonly #canvas: HTMLCanvasElement;
  #planned = false;
  /** The step the x axis runs to, at least (the end of the current run), so the curve grows rightwards. */
  #horizon = 0;

  constructor(canvas: HTMLCanvasElement) {
    this.#canvas = canvas;
    this.draw();
  }

  set horizon(step: number) {
    this.#horizon = step;
    this.#plan();
  }

  add(series: 'train' | 'val', point: Point): void {
    this[series].push(point);
    this.#plan();
  }

  clear(): void {
    this.train.length = 0;
    this.val.length = 0;
    this.#horizon = 0;
    this.#plan();
  }

  #plan(): void {
    if (this.#planned) return;
    this.#planned = true;
    requestAnimationFrame(() => {
      this.#planned = false;
      this.draw();
    });
  }

  draw(): void {
    const canvas = this.#canvas;
    // Backing store at device resolution, so lines stay sharp on high-DPI screens.
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = canvas.clientWidth || canvas.width;
    const cssHeight = Math.round((cssWidth * 240) / 720);
    if (canvas.width !== Math.round(cssWidth * ratio)) {
      canvas.width = Math.round(cssWidth * ratio);
      canvas.height = Math.round(cssHeight * ratio);
    }
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, cssWidth, cssHeight);
    ctx.font = '11px system-ui, sans-serif';
    const all = [...this.train, ...this.val];
    if (all.length === 0) {
      ctx.fillStyle = '#5a6270';
      ctx.fillText('The loss curve appears here while training.', PAD.left, cssHeight / 2);
      canvas.setAttribute('aria-label', 'Loss curve: no training yet');
      return;
    }
    const maxStep = Math.max(this.#horizon, ...all.map((p) => p.step), 1);
    let lo = Math.min(...all.map((p) => p.loss));
    let hi = Math.max(...all.map((p) => p.loss));
    if (hi - lo < 1e-6) {
      lo -= 0.5;
      hi += 0.5;
    }
    const w = cssWidth - PAD.left - PAD.right;
    const h = cssHeight - PAD.top - PAD.bottom;
    const x = (step: number) => PAD.left + (step / maxStep) * w;
    const y = (loss: number) => PAD.top + (1 - (loss - lo) / (hi - lo)) * h;

    ctx.strokeStyle = '#e3e6ea';
    ctx.fillStyle = '#5a6270';
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of ticks(lo, hi, 5)) {
      ctx.beginPath();
      ctx.moveTo(PAD.left, y(v));
      ctx.lineTo(PAD.left + w, y(v));
      ctx.stroke();
      ctx.fillText(v.toFixed(2), PAD.left - 6, y(v));
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const s of ticks(0, maxStep, 6)) ctx.fillText(String(Math.round(s)), x(s), PAD.top + h + 6);
    ctx.textAlign = 'left';
    ctx.fillText('step', PAD.left + w - 24, PAD.top + h + 16);

    const line = (points: Point[], color: string, dots: boolean) => {
      if (points.length === 0) return;
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 1.75;
      ctx.beginPath();
      points.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p.step), y(p.loss)) : ctx.lineTo(x(p.step), y(p.loss))));
      ctx.stroke();
      if (dots) {
        for (const p of points) {
          ctx.beginPath();
          ctx.arc(x(p.step), y(p.loss), 3, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
    };
    line(this.train, '#1f5fbf', false);
    line(this.val, '#c2410c', true);

    const last = this.train.at(-1);
    const lastVal = this.val.at(-1);
    canvas.setAttribute('aria-label', `Loss curve over ${last?.step ?? 0} steps: training loss from ${this.train[0]?.loss.toFixed(2) ?? '–'} to ` +
      `${last?.loss.toFixed(2) ?? '–'}${lastVal ? `, validation loss ${lastVal.loss.toFixed(2)} at step ${lastVal.step}` : ''}`);
  }
}

/** About `count` round values spanning [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(v);
  return out;
}
