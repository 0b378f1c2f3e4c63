/**
 * How every browser test and benchmark starts Chromium: the distribution's package (Playwright never
 * downloads a browser here), headless as root. The networking flags matter on a closed network:
 * without them Chromium keeps opening connections that the machine refuses.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian names the binary `chromium`, Ubuntu and others `chromium-browser`. */
const NAMES = ['chromium', 'chromium-browser'];

/** MPQEMU_CHROMIUM when set, else the first Chromium on PATH (where the package manager put it). */
function findChromium(): string {
  const chosen = process.env.MPQEMU_CHROMIUM;
  if (chosen) return chosen;
  const dirs = (process.env.PATH ?? '/usr/bin').split(delimiter).filter((d) => d.startsWith('/'));
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
  throw new Error(
    `no Chromium on PATH (looked for ${NAMES.join(', ')}); install the distribution's package (Debian: apt-get install chromium) or set MPQEMU_CHROMIUM`,
  );
}

export const CHROMIUM_LAUNCH = {
  executablePath: findChromium(),
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
