import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium, NO_CHROMIUM } from './chromium.ts';

const root = join(import.meta.dirname, '..');
const guest = join(root, '.cache', 'guest');

/**
 * Checks what the end-to-end tests need before any test runs: the browser, the built web app, the
 * test guest, and the sample's disk images (made when missing by scripts/sample-disks.sh).
 */
export default function globalSetup(): void {
  // Without it every test would fail on Playwright's own advice to download a browser.
  if (findChromium() === null) throw new Error(NO_CHROMIUM);
  if (!existsSync(join(root, 'apps', 'web', 'dist', 'index.html'))) {
    throw new Error('apps/web/dist is missing: run `npm run build -w apps/web` first');
  }
  for (const file of ['vmlinuz', 'initrd.gz']) {
    if (!existsSync(join(guest, file))) {
      throw new Error(`.cache/guest/${file} is missing: run \`bash scripts/build-guest.sh\``);
    }
  }
  // The same script npm start and npm test use; it does nothing when the disks exist.
  execFileSync('bash', [join(root, 'scripts', 'sample-disks.sh')], { stdio: 'inherit' });
}
