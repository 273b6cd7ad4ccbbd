// Shared benchmark plumbing: timing by medians, result records, table printing, JSON output.
// Every record is {bench, impl, threads, shape, metric, value}, so runs can be compared file to file.
import { writeFileSync } from 'node:fs';

/**
 * Parses `--json FILE`, `--quick`, `--only a,b` and `--baseline DIR` (another build's pkg/) from argv, plus a
 * bench's own boolean `flags` and valued `options`. `--name=value` works as well as `--name value`.
 */
export function parseArgs(argv = process.argv.slice(2), { flags = [], options = [] } = {}) {
  const args = { json: undefined, quick: false, only: undefined, baseline: undefined };
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].startsWith('--') ? argv[i].indexOf('=') : -1;
    const a = eq < 0 ? argv[i] : argv[i].slice(0, eq);
    const value = () => (eq < 0 ? argv[++i] : argv[i].slice(eq + 1));
    const name = a.slice(2);
    if (a === '--json') args.json = value();
    else if (a === '--quick') args.quick = true;
    else if (a === '--only') args.only = value().split(',');
    else if (a === '--baseline') args.baseline = value();
    else if (flags.includes(name)) args[name] = true;
    else if (options.includes(name)) args[name] = value();
    else if (a === '--help' || a === '-h') {
      const own = [...flags.map((f) => `[--${f}]`), ...options.map((o) => `[--${o} VALUE]`)].join(' ');
      console.log(`usage: node bench/<name>.mjs [--quick] [--json FILE] [--only a,b] [--baseline PKG_DIR] ${own}`.trimEnd());
      process.exit(0);
    } else {
      console.error(`unknown argument ${argv[i]}; try --help`);
      process.exit(2);
    }
  }
  return args;
}

/**
 * Median wall time (ms) of `fn` after one warm-up call: at least `minReps` runs and until `minMs` have passed,
 * at most `maxReps`.
 */
export function medianMs(fn, { minReps = 5, maxReps = 200, minMs = 400 } = {}) {
  fn();
  const times = [];
  const start = performance.now();
  while (times.length < maxReps && (times.length < minReps || performance.now() - start < minMs)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * Medians (ms) of several functions measured in alternating blocks (f0 for ~blockMs, f1 for ~blockMs, ...,
 * then again), so slow phases of a noisy machine hit all of them alike and their ratios stay meaningful,
 * while each still runs back to back within a block as it would in real use (a thread pool stays warm).
 */
export function interleavedMedians(fns, { rounds = 6, blockMs = 120, maxPerBlock = 50 } = {}) {
  for (const fn of fns) fn();
  const times = fns.map(() => []);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      const start = performance.now();
      for (let n = 0; n < maxPerBlock && (n === 0 || performance.now() - start < blockMs); n++) {
        const t0 = performance.now();
        fn();
        times[i].push(performance.now() - t0);
      }
    });
  }
  return times.map(median);
}

/** `medianMs` for functions that return promises (engines whose run is async, like onnxruntime's). */
export async function medianMsAsync(fn, { minReps = 5, maxReps = 200, minMs = 400 } = {}) {
  await fn();
  const times = [];
  const start = performance.now();
  while (times.length < maxReps && (times.length < minReps || performance.now() - start < minMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export function median(values) {
  const t = [...values].sort((x, y) => x - y);
  const mid = t.length >> 1;
  return t.length % 2 ? t[mid] : (t[mid - 1] + t[mid]) / 2;
}

export class Results {
  records = [];
  add(bench, impl, threads, shape, metric, value) {
    this.records.push({ bench, impl, threads, shape, metric, value: Number(value.toPrecision(6)) });
  }
  get(bench, impl, shape, metric) {
    return this.records.find((r) => r.bench === bench && r.impl === impl && r.shape === shape && r.metric === metric)?.value;
  }
  writeJson(file) {
    if (!file) return;
    writeFileSync(file, JSON.stringify(this.records, null, 2) + '\n');
    console.log(`wrote ${this.records.length} records to ${file}`);
  }
}

/** Prints rows (arrays of strings) as an aligned table with a header. */
export function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

export const fmt = (x, digits = 1) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits));
