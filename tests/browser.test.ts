/**
 * Real-browser test: headless Chromium (Debian's `chromium`, driven by playwright-core) loads a page that runs
 * the GEMM checks on the page's main thread and in a module Worker, once with COOP/COEP headers (cross-origin
 * isolated: the worker must pick the threads build) and once without (everything must fall back to the
 * single-thread SIMD build and still be right).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
// @ts-expect-error plain JS helper without types
import { startServer } from './browser/server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.CI) {
  throw new Error(`browser tests need Chromium at ${CHROMIUM}: run 'bash scripts/setup-toolchain.sh --browser'`);
}

interface PageResult {
  error?: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  mainThread: RunResult;
  worker: RunResult;
  workerOneThread: RunResult;
  bitwiseEqualAcrossRuns: boolean;
}
interface RunResult {
  capabilities: { artifact: string; threads: boolean; threadCount: number; reason: string };
  checks: number;
  failures: string[];
}

describe.skipIf(!available)('in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function load<R = PageResult>(isolated: boolean, path = 'tests/browser/gemm.html'): Promise<R> {
    const server = await startServer({ isolated });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${server.url}/${path}`);
      await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 });
      const result = (await page.evaluate(() => (window as unknown as { __result: R }).__result)) as R;
      expect(errors).toEqual([]);
      return result;
    } finally {
      await page.close();
      await server.close();
    }
  }

  it('tokenizers and the data pipeline run in the page: BPE training, round trips, shards, batches', async () => {
    const r = await load<Record<string, unknown>>(false, 'tests/browser/tokenizer.html');
    expect(r.error).toBeUndefined();
    expect(r.vocabSize).toBe(350);
    expect(r.compression as number).toBeGreaterThan(2.5);
    expect(r.roundTrips).toEqual([true, true, true, true]);
    expect(r.sameIds).toBe(true);
    expect(r.charRoundTrip).toBe(true);
    expect(r.dtype).toBe('uint16');
    expect((r.trainTokens as number) + (r.valTokens as number)).toBeGreaterThan(1000);
    expect(r.valTokens as number).toBeGreaterThan(0);
    expect(r.batchShape).toEqual([32, 32]);
    expect(r.shifted).toBe(true);
  });

  it('with COOP/COEP: a Worker gets the threads build and the main thread the single-thread one', async () => {
    const r = await load(true);
    expect(r.error).toBeUndefined();
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.worker.capabilities.artifact).toBe('threads-simd');
    expect(r.worker.capabilities.threads).toBe(r.hardwareConcurrency > 1);
    expect(r.worker.capabilities.threadCount).toBe(r.hardwareConcurrency);
    expect(r.mainThread.capabilities.artifact).toBe('simd');
    expect(r.mainThread.capabilities.reason).toMatch(/main thread/);
    expect(r.workerOneThread.capabilities.threadCount).toBe(1);
    for (const run of [r.mainThread, r.worker, r.workerOneThread]) {
      expect(run.checks).toBe(16);
      expect(run.failures).toEqual([]);
    }
    expect(r.bitwiseEqualAcrossRuns).toBe(true);
  });

  it('without the headers: falls back to the single-thread SIMD build everywhere, still correct', async () => {
    const r = await load(false);
    expect(r.error).toBeUndefined();
    expect(r.crossOriginIsolated).toBe(false);
    for (const run of [r.mainThread, r.worker, r.workerOneThread]) {
      expect(run.capabilities.artifact).toBe('simd');
      expect(run.capabilities.threads).toBe(false);
      expect(run.checks).toBe(16);
      expect(run.failures).toEqual([]);
    }
    expect(r.worker.capabilities.reason).toMatch(/SharedArrayBuffer is unavailable/);
    expect(r.bitwiseEqualAcrossRuns).toBe(true);
  });
});
