/**
 * Whether this host can jail QEMU, found out by trying: the probe runs `qemu -version` inside
 * exactly the jail the planner makes for a device process (its wrapper, uid switch included). It
 * never guesses from sysctls; when the try fails, the reason says what to install or change.
 */
import { stat } from 'node:fs/promises';
import { DEFAULT_JAIL_SUPPORT, planJail, type JailSupport } from '@mpqemu/shared';
import { runCommand } from '../runtime/run-command.ts';
import { findExecutable } from './binary.ts';

const INSTALL = 'install it with: apt-get install bubblewrap util-linux';

async function kvmGroup(): Promise<number | null> {
  try {
    return (await stat('/dev/kvm')).gid;
  } catch {
    return null;
  }
}

/** The words of a failed try that point at the fix: user namespaces off, or a container. */
function explain(stderr: string): string {
  const line = stderr.trim().split('\n').pop() ?? '';
  if (/user namespace|uid map|setting up uid|Operation not permitted|No permissions/i.test(line)) {
    return `${line} — user namespaces are not available to this user: allow them with "sysctl -w kernel.unprivileged_userns_clone=1" and "sysctl -w user.max_user_namespaces=15000" (or, in a container, run it with the privileges to create namespaces)`;
  }
  return line || 'bwrap failed without a message';
}

/**
 * Tries a jail around `binary`. `uidBase` is what a root server hands out from; a server that is
 * not root keeps its own uid in every jail.
 */
export async function probeJail(binary: string, timeoutMs = 10_000): Promise<JailSupport> {
  const [bwrap, setpriv, prlimit, kvmGid] = await Promise.all([
    findExecutable('bwrap'),
    findExecutable('setpriv'),
    findExecutable('prlimit'),
    kvmGroup(),
  ]);
  const ownUids = process.getuid?.() === 0;
  const found: JailSupport = {
    usable: false,
    bwrap: bwrap ?? 'bwrap',
    setpriv: setpriv ?? 'setpriv',
    prlimit: prlimit ?? 'prlimit',
    ownUids,
    // Far above login and system users.
    uidBase: DEFAULT_JAIL_SUPPORT.uidBase,
    kvmGid,
  };
  const missing = [
    ['bwrap (bubblewrap)', bwrap],
    ['setpriv (util-linux)', setpriv],
    ['prlimit (util-linux)', prlimit],
  ]
    .filter(([, path]) => path === null)
    .map(([name]) => name);
  if (missing.length > 0) {
    return { ...found, reason: `${missing.join(' and ')} not found; ${INSTALL}` };
  }
  const attempt = async (ownUids: boolean) => {
    const jail = planJail({
      support: { ...found, ownUids, usable: true },
      isolation: 'required',
      role: 'remote',
      // The last uid of the range: never one a run hands out first.
      ordinal: 0xfff,
      networkBecause: null,
      guestMemoryMiB: 0,
      writable: [],
      kvm: false,
      binary,
    });
    return runCommand([...jail.wrapper, binary, '-version'], { timeoutMs });
  };
  const works = (r: Awaited<ReturnType<typeof attempt>>) =>
    r.code === 0 && /QEMU emulator version/.test(r.stdout);
  let result = await attempt(ownUids);
  if (works(result)) return { ...found, usable: true };
  // Root without CAP_SETUID (a container, a bounding set) cannot switch uids: tried, not guessed.
  if (ownUids) {
    const shared = await attempt(false);
    if (works(shared)) return { ...found, ownUids: false, usable: true };
    result = shared;
  }
  const why = result.spawnError ?? (result.timedOut ? 'timed out' : explain(result.stderr));
  return { ...found, reason: `a QEMU in a bubblewrap jail did not run: ${why}` };
}
