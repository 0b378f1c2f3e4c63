import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureGuest } from '../apps/server/test/support/guest.ts';
import { REPO } from '../apps/server/test/support/repo.ts';

/**
 * Prepares what the end-to-end tests need before the server starts: checks the built web app,
 * and makes the test guest and the samples' disk images when missing, as the integration tests do.
 */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(join(REPO, 'apps', 'web', 'dist', 'index.html'))) {
    throw new Error('apps/web/dist is missing: run `npm run build -w apps/web` first');
  }
  await ensureGuest();
}
