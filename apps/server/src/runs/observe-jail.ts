/**
 * Reads back how a running QEMU is confined, from /proc, for the inspector and the tests: the
 * plan says what we asked for, this says what the kernel gives it.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import type { ObservedJail } from '@mpqemu/shared';

const NAMESPACES = ['user', 'mnt', 'pid', 'ipc', 'uts', 'net', 'cgroup'] as const;
const LIMITS = ['Max data size', 'Max processes', 'Max open files', 'Max core file size'];

function field(status: string, name: string): string {
  return new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim() ?? '';
}

async function namespaceOf(pid: number | 'self', ns: string): Promise<string | null> {
  return readlink(`/proc/${pid}/ns/${ns}`).catch(() => null);
}

/** /proc/PID/limits: "Max open files  1024  1024  files" → soft value, with its unit. */
function parseLimits(text: string): ObservedJail['limits'] {
  const limits: ObservedJail['limits'] = [];
  for (const name of LIMITS) {
    const line = text.split('\n').find((l) => l.startsWith(name));
    const [soft = '', , unit = ''] = line?.slice(name.length).trim().split(/\s+/) ?? [];
    if (soft !== '') limits.push({ name, value: soft === 'unlimited' ? soft : `${soft} ${unit}` });
  }
  return limits;
}

/** How `pid` is confined, or null when it is gone or /proc will not tell. */
export async function observeJail(pid: number): Promise<ObservedJail | null> {
  try {
    const [status, limits] = await Promise.all([
      readFile(`/proc/${pid}/status`, 'utf8'),
      readFile(`/proc/${pid}/limits`, 'utf8'),
    ]);
    const own: string[] = [];
    const shared: string[] = [];
    await Promise.all(
      NAMESPACES.map(async (ns) => {
        const [theirs, ours] = await Promise.all([namespaceOf(pid, ns), namespaceOf('self', ns)]);
        if (theirs === null) return;
        (theirs === ours ? shared : own).push(ns);
      }),
    );
    const rootEntries = await readdir(`/proc/${pid}/root`).then(
      (names) => names.sort(),
      () => null,
    );
    return {
      pid,
      uid: Number(field(status, 'Uid').split(/\s+/)[0]),
      gid: Number(field(status, 'Gid').split(/\s+/)[0]),
      capabilities: field(status, 'CapEff'),
      noNewPrivs: field(status, 'NoNewPrivs') === '1',
      seccomp: Number(field(status, 'Seccomp') || 0),
      ownNamespaces: NAMESPACES.filter((n) => own.includes(n)),
      sharedNamespaces: NAMESPACES.filter((n) => shared.includes(n)),
      rootEntries,
      limits: parseLimits(limits),
    };
  } catch {
    return null;
  }
}
