/**
 * The CLI's progress line: fits the terminal (60 columns included) with the bar kept and the least important
 * fields dropped first, ends full when the run completes, and marks a validation loss measured at an earlier
 * step with that step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../src/cli/progress.js';

/** A fake terminal: what each redraw leaves on screen (text after the last '\r', without the erase code). */
function terminal(columns: number) {
  const lines: string[] = [];
  const out = {
    isTTY: true, columns,
    write(text: string) {
      for (const part of text.split('\r').filter(Boolean)) lines.push(part.replace('\x1b[K', '').replace(/\n$/, ''));
    },
  };
  return { out, lines };
}

describe('ProgressBar on a terminal', () => {
  it('at 60 columns: bar, step, loss, val and ETA fit; tokens/s is what gives way', () => {
    const { out, lines } = terminal(60);
    const bar = new ProgressBar(out, { totalSteps: 500 });
    bar.update({ step: 100, loss: 2.34567, valLoss: 2.5, tokensPerSec: 12_345, etaMs: 65_000 }, true);
    bar.update({ step: 120, loss: 2.2, tokensPerSec: 12_345, etaMs: 60_000 }, true);
    expect(lines[1]).toBe(`${'█'.repeat(4)}${'░'.repeat(12)} 120/500 loss 2.200 val 2.500@100 ETA 1m00s`);
    expect(lines[1]).toHaveLength(59);
    // At 80 columns everything is shown.
    const wide = terminal(80);
    const b2 = new ProgressBar(wide.out, { totalSteps: 500 });
    b2.update({ step: 120, loss: 2.2, tokensPerSec: 12_345, etaMs: 60_000 }, true);
    expect(wide.lines[0]).toMatch(/ 120\/500 loss 2\.200 val - ETA 1m00s 12\.3k tok\/s$/);
    expect(wide.lines[0].length).toBeLessThanOrEqual(79);
  });

  it('a validation loss from this step is shown bare, an older one with its step', () => {
    const { out, lines } = terminal(100);
    const bar = new ProgressBar(out, { totalSteps: 10 });
    bar.update({ step: 5, loss: 3, valLoss: 2.75, tokensPerSec: 100 }, true);
    bar.update({ step: 6, loss: 3, tokensPerSec: 100 }, true);
    expect(lines[0]).toContain('val 2.750 ETA');
    expect(lines[1]).toContain('val 2.750@5 ETA');
  });

  it('the bar ends full when the total is moved to where the run ended (a time budget stopping early)', () => {
    const { out, lines } = terminal(80);
    const bar = new ProgressBar(out, { totalSteps: 300 });
    bar.update({ step: 287, loss: 1, tokensPerSec: 100, etaMs: 500 }, true);
    expect(lines[0]).toMatch(/░ 287\/300/);
    bar.totalSteps = 287;
    bar.update({ step: 287, loss: 1, tokensPerSec: 100, etaMs: 0 }, true);
    expect(lines[1]).toMatch(/^█+ 287\/287 /);
  });

  it('never writes past the last column, whatever the sizes (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 40, max: 220 }), fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }),
      fc.double({ min: 0, max: 1e4, noNaN: true }), fc.option(fc.double({ min: 0, max: 1e4, noNaN: true })),
      fc.double({ min: 0, max: 1e9, noNaN: true }), fc.option(fc.integer({ min: 0, max: 1e9 })),
      (columns, step, total, loss, val, rate, eta) => {
        const { out, lines } = terminal(columns);
        const bar = new ProgressBar(out, { totalSteps: total });
        bar.update({ step, loss, valLoss: val ?? undefined, tokensPerSec: rate, etaMs: eta ?? undefined }, true);
        return lines.every((l) => l.length <= columns - 1);
      },
    ), { seed: 17, numRuns: 300 });
  });
});
