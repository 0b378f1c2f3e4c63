import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureGuest } from '../apps/server/test/support/guest.ts';
import { REPO } from '../apps/server/test/support/repo.ts';
import { findChromium, NO_CHROMIUM } from './chromium.ts';

/**
 * Prepares what the end-to-end tests need before the server starts: the browser, the built web
 * app, and the test guest and the samples' disk images (made when missing, as the integration
 * tests do).
 */
export default async function globalSetup(): Promise<void> {
  // Without it every test would fail on Playwright's own advice to download a browser.
  if (findChromium() === null) throw new Error(NO_CHROMIUM);
  if (!existsSync(join(REPO, 'apps', 'web', 'dist', 'index.html'))) {
    throw new Error('apps/web/dist is missing: run `npm run build -w apps/web` first');
  }
  await ensureGuest();
}
