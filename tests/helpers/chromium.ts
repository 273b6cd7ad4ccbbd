/**
 * Headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core. Without it the tests
 * skip, except on CI, where a skipped browser suite would hide a broken setup.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env.CI) {
  throw new Error(`browser tests need Chromium at ${CHROMIUM}: run 'bash scripts/setup-toolchain.sh --browser'`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Opens `url` in a fresh page, waits for the page to set `window.__result`, and returns it; the page must have
 * thrown no uncaught error meanwhile.
 */
export async function pageResult<R>(browser: Browser, url: string, timeout = 60_000): Promise<R> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as { __result?: unknown }).__result !== undefined, null, { timeout });
    const result = (await page.evaluate(() => (window as unknown as { __result: R }).__result)) as R;
    expect(errors).toEqual([]);
    return result;
  } finally {
    await page.close();
  }
}
