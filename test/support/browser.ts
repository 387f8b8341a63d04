import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium: playwright-core never downloads a browser, and .ci/run installs this one. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests can run here; when they cannot, says so on stderr, naming the test, so a skip is never
 * silent.
 */
export function browserAvailable(test: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  process.stderr.write(
    `SKIPPED ${test}: no Chromium at ${CHROMIUM} (Debian package 'chromium'; .ci/run installs it)\n`,
  );
  return false;
}

/** Headless Chromium with nothing reaching out to the network on its own (this machine's network is closed). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
