/**
 * The exported launcher's screen folder. Its run directory is a fixed name (`/tmp/mpqemu-<vm>`
 * by default) that another local user could have made first, to be handed the VM's screen: each
 * level is made 0700 here, and refused unless it is a real directory of ours that nobody else
 * can enter.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Makes `<runDir>/screen` for the socket at `vnc`; returns why not, or null when it is safe. */
export function prepareScreenDir(vnc: string): string | null {
  const screen = dirname(vnc);
  for (const dir of [dirname(screen), screen]) {
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return `cannot make ${dir}: ${String(e)}`;
    }
    const st = lstatSync(dir);
    if (!st.isDirectory()) return `${dir} is not a directory`;
    if (st.uid !== process.getuid?.()) return `${dir} belongs to another user (uid ${st.uid})`;
    if ((st.mode & 0o077) !== 0) {
      return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)}); make it 0700`;
    }
  }
  return null;
}
