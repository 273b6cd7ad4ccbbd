/**
 * `GPT.fromPretrained` in headless Chromium: a Hub-layout GPT-2 folder made by the test is served over HTTP and
 * loaded with progress events, then loaded again from the OPFS cache without a single request for its files,
 * fetched with `cache: 'reload'` and `'no-store'`, and fetched again after `clearPretrainedCache(url)`; the greedy
 * text is the Node result every time.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { GPT } from '../src/model/gpt.js';
import { Sampler } from '../src/sampler/sampler.js';
import { chromiumAvailable, launchChromium } from './helpers/chromium.js';
import { HUB_PROMPT, saveHubModel } from './helpers/hub-model.js';
// @ts-expect-error plain JS helper without types
import { startServer } from './browser/server.mjs';

const HUB_DIR = fileURLToPath(new URL('./browser/bundle/hub/tiny-gpt2', import.meta.url)); // gitignored
const FOLDER = '/tests/browser/bundle/hub/tiny-gpt2';
// the Hub files plus our checksum index, sorted as visit() sorts the requests
const FILES = ['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];

interface Progress { file: string; loaded: number; total: number | undefined; cached: boolean }
interface PageResult {
  error?: string;
  entriesBefore: number;
  entriesAfter: number;
  events: Progress[];
  text: string;
  finishReason: string;
  backend: string;
  generationConfig: unknown;
}

describe.skipIf(!chromiumAvailable)('GPT.fromPretrained in headless Chromium', () => {
  let browser: Browser;
  let nodeText: string;
  beforeAll(async () => {
    await rm(HUB_DIR, { recursive: true, force: true });
    (await saveHubModel(HUB_DIR)).gpt.dispose();
    // The Node result, through the same path a user takes: fromPretrained on the directory, greedy by its config.
    const p = await GPT.fromPretrained(HUB_DIR);
    nodeText = (await new Sampler(p.model, { tokenizer: p.tokenizer, defaults: p.generationConfig }).generate({ prompt: HUB_PROMPT })).sequences[0].text!;
    p.model.dispose();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await rm(join(HUB_DIR, '..'), { recursive: true, force: true });
  });

  async function visit(context: BrowserContext, base: string, mode: string, cache?: string): Promise<{ r: PageResult; requests: string[] }> {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (req) => {
      const path = new URL(req.url()).pathname;
      if (path.startsWith(FOLDER)) requests.push(path.slice(FOLDER.length + 1));
    });
    try {
      const query = new URLSearchParams({ url: `${base}${FOLDER}`, mode, prompt: HUB_PROMPT, ...(cache ? { cache } : {}) });
      await page.goto(`${base}/tests/browser/pretrained.html?${query}`);
      await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 });
      const r = (await page.evaluate(() => (window as unknown as { __result: PageResult }).__result));
      expect(errors).toEqual([]);
      expect(r.error).toBeUndefined();
      return { r, requests: requests.sort() };
    } finally {
      await page.close();
    }
  }

  it('downloads with progress, then loads from the OPFS cache with no request; greedy text equals Node', async () => {
    expect(nodeText.length).toBeGreaterThan(10);
    const server = await startServer({ isolated: false });
    // One context, so the second visit sees the first one's OPFS (a new context is a fresh profile).
    const context = await browser.newContext();
    try {
      const first = await visit(context, server.url, 'first');
      expect(first.requests).toEqual(FILES);
      expect(first.r.text).toBe(nodeText);
      expect(first.r.generationConfig).toEqual({ temperature: 0, maxNewTokens: 16, endTokens: [269] });
      expect([first.r.entriesBefore, first.r.entriesAfter]).toEqual([0, 1]);
      for (const file of FILES) {
        const mine = first.r.events.filter((e) => e.file === file);
        expect(mine.every((e) => !e.cached)).toBe(true);
        expect(mine[0].loaded).toBe(0);
        const last = mine.at(-1)!;
        expect(last.loaded).toBe(last.total);
        expect(last.loaded).toBeGreaterThan(0);
      }

      const second = await visit(context, server.url, 'cached');
      expect(second.requests).toEqual([]);
      expect(second.r.text).toBe(nodeText);
      expect(second.r.events.map((e) => e.file).sort()).toEqual(FILES);
      for (const e of second.r.events) expect([e.cached, e.loaded]).toEqual([true, first.r.events.filter((f) => f.file === e.file).at(-1)!.loaded]);

      // 'reload' downloads and rewrites the entry; 'no-store' downloads and leaves the entry alone
      for (const cache of ['reload', 'no-store']) {
        const again = await visit(context, server.url, 'cached', cache);
        expect(again.requests).toEqual(FILES);
        expect([again.r.entriesBefore, again.r.entriesAfter, again.r.text]).toEqual([1, 1, nodeText]);
      }
      expect((await visit(context, server.url, 'cached')).requests).toEqual([]);

      const cleared = await visit(context, server.url, 'clear');
      expect(cleared.r.entriesBefore).toBe(0);
      expect(cleared.requests).toEqual(FILES);
      expect(cleared.r.text).toBe(nodeText);
      console.log(`fromPretrained in Chromium (${first.r.backend}): "${HUB_PROMPT}" → ${JSON.stringify(nodeText)}`);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
