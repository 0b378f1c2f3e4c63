/**
 * How every browser test and benchmark starts Chromium: the distribution's package (Playwright never
 * downloads a browser here), headless as root. The networking flags matter on a closed network:
 * without them Chromium keeps opening connections that the machine refuses.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian names the binary `chromium`, Ubuntu and others `chromium-browser`. */
const NAMES = ['chromium', 'chromium-browser'];

/** Why there is no browser to start, in the words the tests and the benchmark fail with. */
export const NO_CHROMIUM =
  `no Chromium on PATH (looked for ${NAMES.join(', ')}); install the distribution's package ` +
  '(Debian: apt-get install chromium, or bash scripts/prepare.sh --with-browser) ' +
  'or set MPQEMU_CHROMIUM';

/**
 * MPQEMU_CHROMIUM when set, else the first Chromium on PATH (where the package manager put it);
 * null when there is none. Looking must not throw: Playwright's config, and so knip and
 * `playwright test --list`, load this on machines without a browser.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = env.MPQEMU_CHROMIUM;
  if (chosen) return chosen;
  const dirs = (env.PATH ?? '/usr/bin').split(delimiter).filter((d) => d.startsWith('/'));
  for (const name of NAMES) {
    for (const dir of dirs) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // Not in this directory; try the next one.
      }
    }
  }
  return null;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch options for `chromium.launch`; throws NO_CHROMIUM when there is no browser. */
export function chromiumLaunch(): { executablePath: string; args: string[] } {
  const executablePath = findChromium();
  if (executablePath === null) throw new Error(NO_CHROMIUM);
  return { executablePath, args: CHROMIUM_ARGS };
}
