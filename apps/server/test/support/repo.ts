/** Folders of the repository the tests run in, found from this file (apps/server/test/support). */
import { join } from 'node:path';

/** The repository's root folder. */
export const REPO = join(import.meta.dirname, '..', '..', '..', '..');
/** The test guest (kernel, initrd) and the examples' disks: scripts/build-guest.sh makes them. */
export const GUEST = join(REPO, '.cache', 'guest');
/** The example topologies, which refer to the guest as ../.cache/guest. */
export const EXAMPLES = join(REPO, 'examples');
