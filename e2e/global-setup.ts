import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const guest = join(root, '.cache', 'guest');

/**
 * Checks what the end-to-end tests need before the server starts: the built web app, the test
 * guest, and the sample's disk images (made here when missing, as the integration tests do).
 */
export default function globalSetup(): void {
  if (!existsSync(join(root, 'apps', 'web', 'dist', 'index.html'))) {
    throw new Error('apps/web/dist is missing: run `npm run build -w apps/web` first');
  }
  for (const file of ['vmlinuz', 'initrd.gz']) {
    if (!existsSync(join(guest, file))) {
      throw new Error(`.cache/guest/${file} is missing: run \`bash scripts/build-guest.sh\``);
    }
  }
  const images: [string, string][] = [
    ['disk0.img', 'raw'],
    ['disk1.qcow2', 'qcow2'],
  ];
  for (const [name, format] of images) {
    const path = join(guest, name);
    if (!existsSync(path)) execFileSync('qemu-img', ['create', '-q', '-f', format, path, '16M']);
  }
}
