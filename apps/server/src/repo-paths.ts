/**
 * Directories of the repository the server ships in. The code runs from apps/server/src (sources),
 * apps/server/dist or apps/server/dist/chunks (bundles), so the repository is found as the folder
 * that holds apps/server, not by a fixed number of `..` from this file.
 */
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  const here = fileURLToPath(import.meta.url);
  const marker = `${sep}apps${sep}server${sep}`;
  const at = here.lastIndexOf(marker);
  return at >= 0 ? here.slice(0, at) : resolve(dirname(here), '..', '..', '..');
}

const REPO = repoRoot();

/** The test guest built by scripts/build-guest.sh. */
export const GUEST_DIR = join(REPO, '.cache', 'guest') + sep;
/** The web app's sources, served by Vite under `npm run dev`. */
export const WEB_SOURCE_DIR = join(REPO, 'apps', 'web') + sep;
/** The built web app (apps/web/dist). */
export const WEB_DIST_DIR = join(REPO, 'apps', 'web', 'dist') + sep;
/** The example topologies. */
export const EXAMPLES_DIR = join(REPO, 'examples') + sep;
/** The compiled server, CLI and launcher bundle (scripts/build-server.mjs). */
export const SERVER_DIST_DIR = join(REPO, 'apps', 'server', 'dist') + sep;
