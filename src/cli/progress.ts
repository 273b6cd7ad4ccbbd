/**
 * Training progress for a terminal: one line redrawn in place (bar, step, loss, val loss, ETA, tokens/s) when
 * the stream is a TTY, and plain appended lines at a fixed step interval otherwise (logs, CI, pipes), so the
 * output never fills a file with carriage returns. A validation loss measured at an earlier step says which
 * (`val 2.401@400`): it is not the current model's.
 */

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressUpdate {
  step: number;
  loss: number;
  valLoss?: number;
  tokensPerSec: number;
  /** Milliseconds still to go, when known. */
  etaMs?: number;
}

export interface ProgressOptions {
  /** Target step count (the bar's 100 %); unknown until a time budget has been sized. */
  totalSteps?: number;
  /** Plain-line mode: print every this many steps (default: about 20 lines over the run). */
  lineEvery?: number;
  /** Force a mode; default: redraw when the stream is a TTY. */
  tty?: boolean;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return '?';
  return perSec >= 10_000 ? `${(perSec / 1000).toFixed(1)}k` : perSec.toFixed(0);
}

/** Terminals narrower than this get lines cut at this width. */
const MIN_COLUMNS = 40;
const MIN_BAR = 10;
const MAX_BAR = 30;

export class ProgressBar {
  readonly #out: ProgressStream;
  readonly #tty: boolean;
  readonly #every: number | undefined;
  #total: number | undefined;
  #drawn = false;
  #lastDraw = 0;
  #valLoss: number | undefined;
  #valStep: number | undefined;

  constructor(out: ProgressStream, options: ProgressOptions) {
    this.#out = out;
    this.#tty = options.tty ?? out.isTTY === true;
    this.#total = options.totalSteps;
    this.#every = options.lineEvery;
  }

  get isTTY(): boolean {
    return this.#tty;
  }

  /** The run's end moved (a time budget's estimate changed). */
  set totalSteps(total: number) {
    this.#total = total;
  }

  update(u: ProgressUpdate, force = false): void {
    if (u.valLoss !== undefined) {
      this.#valLoss = u.valLoss;
      this.#valStep = u.step;
    }
    if (this.#tty) {
      const now = Date.now();
      // Redrawing faster than ~15 Hz only costs time in the terminal.
      if (!force && now - this.#lastDraw < 66 && u.step !== this.#total) return;
      this.#lastDraw = now;
      this.#out.write(`\r${this.#line(u)}\x1b[K`);
      this.#drawn = true;
    } else if (force || u.step % this.#lineEvery() === 0 || u.valLoss !== undefined) {
      this.#out.write(this.#plainFields(u) + '\n');
    }
  }

  /**
   * The redrawn line, narrower than the terminal (writing its last column wraps some terminals): the fields in
   * order of importance, dropping the least important (tokens/s, then the ETA) rather than the bar when a
   * narrow terminal cannot show them all.
   */
  #line(u: ProgressUpdate): string {
    const width = Math.max(MIN_COLUMNS, Math.min(this.#out.columns ?? 100, 160)) - 1;
    const fields = [
      this.#total === undefined ? `step ${u.step}` : `${u.step}/${this.#total}`,
      `loss ${u.loss.toFixed(3)}`,
      `val ${this.#val(u.step, 3, '@')}`,
      `ETA ${u.etaMs === undefined ? '?' : formatDuration(u.etaMs)}`,
      `${formatRate(u.tokensPerSec)} tok/s`,
    ];
    while (fields.length > 2 && fields.join(' ').length + 1 + MIN_BAR > width) fields.pop();
    const text = fields.join(' ');
    const barWidth = Math.min(MAX_BAR, width - text.length - 1);
    if (barWidth < MIN_BAR) return text.slice(0, width);
    const done = this.#total === undefined ? 0 : Math.min(1, u.step / this.#total);
    const filled = Math.round(done * barWidth);
    return `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)} ${text}`;
  }

  /** The last validation loss, marked with its step when that is not the current one. */
  #val(step: number, digits: number, mark: string): string {
    if (this.#valLoss === undefined) return '-';
    const value = this.#valLoss.toFixed(digits);
    return this.#valStep === step ? value : `${value}${mark}${this.#valStep}`;
  }

  /** A message on its own line, without tearing the bar. */
  log(line: string): void {
    if (this.#tty && this.#drawn) this.#out.write('\r\x1b[K');
    this.#out.write(line + '\n');
    this.#drawn = false;
  }

  /** Leaves the last drawn line in place and moves to a fresh line. */
  done(): void {
    if (this.#tty && this.#drawn) this.#out.write('\n');
    this.#drawn = false;
  }

  /** About 20 lines over the run unless told; every 10 steps while the end is unknown. */
  #lineEvery(): number {
    return this.#every ?? (this.#total === undefined ? 10 : Math.max(1, Math.round(this.#total / 20)));
  }

  #plainFields(u: ProgressUpdate): string {
    const parts = [
      this.#total === undefined ? `step ${u.step}` : `step ${String(u.step).padStart(String(this.#total).length)}/${this.#total}`,
      `loss ${u.loss.toFixed(4)}`,
      `val ${this.#val(u.step, 4, ' from step ')}`,
      `${formatRate(u.tokensPerSec)} tok/s`,
      `ETA ${u.etaMs === undefined ? '?' : formatDuration(u.etaMs)}`,
    ];
    return parts.join(' | ');
  }
}
