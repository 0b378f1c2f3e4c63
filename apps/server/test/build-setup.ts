/**
 * Global setup of the integration tests: they run the CLI and the server as a user does, from
 * the compiled bundles, so the bundles are rebuilt first whenever a source is newer.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUILD = fileURLToPath(new URL('../../../scripts/build-server.mjs', import.meta.url));

export default function setup(): void {
  execFileSync(process.execPath, [BUILD, '--if-stale'], { stdio: 'inherit' });
}
