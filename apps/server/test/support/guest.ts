/**
 * The test guest and the examples' disk images, made when missing: a test that needs QEMU to boot
 * something builds what it needs rather than skipping silently. Integration tests, the end-to-end
 * setup and the benches all prepare it here, so they all boot the same guest on the same disks.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { GUEST, REPO } from './repo.ts';

/** Builds the test guest if needed, then creates the examples' disk images when missing. */
export async function ensureGuest(): Promise<void> {
  if (!existsSync(join(GUEST, 'vmlinuz')) || !existsSync(join(GUEST, 'initrd.gz'))) {
    await execa('bash', [join(REPO, 'scripts/build-guest.sh')], { stdio: 'inherit' });
  }
  // The same script npm start and npm test use; it does nothing when the disks exist.
  await execa('bash', [join(REPO, 'scripts/sample-disks.sh')], { stdio: 'inherit' });
}
