/**
 * Directories of the repository the server ships in. This module sits directly in apps/server/src
 * because the compiled bundles sit directly in apps/server/dist: `../../../` from either is the
 * repository, so the paths hold whether the sources run as TypeScript or bundled.
 */
import { fileURLToPath } from 'node:url';

const REPO = new URL('../../../', import.meta.url);

/** The test guest built by scripts/build-guest.sh. */
export const GUEST_DIR = fileURLToPath(new URL('.cache/guest/', REPO));
/** The built web app (apps/web/dist). */
export const WEB_DIST_DIR = fileURLToPath(new URL('apps/web/dist/', REPO));
/** The example topologies. */
export const EXAMPLES_DIR = fileURLToPath(new URL('examples/', REPO));
