/**
 * Checkpoints in a real browser: headless Chromium saves, reloads and replaces a checkpoint in the Origin
 * Private File System, and a load finishes a commit interrupted halfway (see the OPFS journal in
 * src/checkpoint/index.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './helpers/chromium.js';
// @ts-expect-error plain JS helper without types
import { startServer } from './browser/server.mjs';

describe.skipIf(!chromiumAvailable)('checkpoints in headless Chromium (OPFS)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('save, load, replace and recover an interrupted commit in the Origin Private File System', async () => {
    const server = await startServer({ isolated: false });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`${server.url}/tests/browser/checkpoint.html`);
      await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 });
      const r = (await page.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result));
      expect(errors).toEqual([]);
      expect(r.error).toBeUndefined();
      expect(r.afterFirst).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors', 'training_state.json', 'training_state.safetensors']);
      expect(r.firstBits).toBe(true);
      expect(r.firstMeta).toEqual({ step: 7 });
      expect(r.afterSecond).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors']);
      expect(r.secondBits).toBe(true);
      expect(r.secondState).toBe(true);
      expect(r.recoveredEps).toBe(1e-6);
      expect(r.recoveredBits).toBe(true);
      expect(r.afterRecovery).toEqual(['config.json', 'generation_config.json', 'model.safetensors']);
      console.log(`OPFS FileSystemFileHandle.move: ${r.hasMove ? 'present (commit by move)' : 'absent (commit by copy)'}`);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
