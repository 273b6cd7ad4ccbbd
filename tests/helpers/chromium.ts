/**
 * Headless Chromium for the browser tests: Debian's `chromium` driven by playwright-core. Without it the tests
 * skip, except on CI, where a skipped browser suite would hide a broken setup.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
