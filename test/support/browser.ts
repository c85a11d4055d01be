import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): playwright-core drives it and downloads no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * `describe` when Chromium is installed; otherwise `describe.skip` with a note, or, under
 * REQUIRE_INFRA=1 (CI installs it), a suite that fails, as for the engines of ./infra.
 */
export function describeWithChromium(): jest.Describe {
  if (existsSync(CHROMIUM)) return describe;
  if (process.env.REQUIRE_INFRA === '1') {
    return ((title: string) =>
      describe(title, () => {
        it(`needs Chromium at ${CHROMIUM} (REQUIRE_INFRA=1)`, () => {
          throw new Error(`${CHROMIUM} is missing; install it (apt-get install -y chromium) or unset REQUIRE_INFRA`);
        });
      })) as unknown as jest.Describe;
  }
  console.warn(`${CHROMIUM} is missing: skipping the browser tests (apt-get install -y chromium)`);
  return describe.skip;
}

/** Headless Chromium on a fresh, throw-away profile (playwright's default), talking to nothing but the pages it is sent to. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
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
