/**
 * The jail every QEMU process runs in, as data: what it sees, who it runs as, its limits, and the
 * exact wrapper argv that makes it so (docs/security.md, "Jails"). One rule for the server,
 * `mpqemu up`, the exported launcher and doctor; the document has no say in any of it, so no
 * document can add a path, a capability or the network to a process.
 *
 * The wrapper is `setpriv` (its own host uid, no groups, dies with the orchestrator), `prlimit`
 * (rlimits) and `bwrap` (namespaces, an empty root with read-only /usr, no capabilities), measured
 * in QEMU-NOTES "Confining a device process" at about 3 ms per spawn.
 */

/** What Start does about jails: refuse without them, run unconfined (said so), or not use them. */
import type { Problem } from '../problems.ts';

export const ISOLATION_MODES = ['required', 'preferred', 'off'] as const;
export type IsolationMode = (typeof ISOLATION_MODES)[number];
export const DEFAULT_ISOLATION: IsolationMode = 'required';

/** What the host measured about jails (the probe tries one; it never guesses). */
export interface JailSupport {
  /** A QEMU ran inside the jail the planner makes, on this host. */
  usable: boolean;
  /** Why not, with the command or sysctl that changes it. */
  reason?: string;
  /** The tools' absolute paths (names when unknown: the plan is then for reading only). */
  bwrap: string;
  setpriv: string;
  prlimit: string;
  /** The orchestrator runs as root, so each process can get a host uid of its own. */
  ownUids: boolean;
  /** The first host uid handed to jailed processes when `ownUids`. */
  uidBase: number;
  /** The group of /dev/kvm, given to a main QEMU that uses KVM; null when there is none. */
  kvmGid: number | null;
}

export const DEFAULT_JAIL_SUPPORT: JailSupport = {
  usable: true,
  bwrap: 'bwrap',
  setpriv: 'setpriv',
  prlimit: 'prlimit',
  ownUids: false,
  uidBase: 0x5a000,
  kvmGid: null,
};

/** The uid and gid a jailed process has inside its user namespace ("nobody"). */
export const JAIL_INSIDE_ID = 65534;

export type JailNamespace = 'user' | 'mount' | 'pid' | 'ipc' | 'uts' | 'net' | 'cgroup';

/** One path of the jail's filesystem and how it is there. */
export interface JailPath {
  path: string;
  how: 'read-only' | 'read-write' | 'device' | 'own proc' | 'private tmpfs' | 'symlink';
}

export interface JailLimits {
  /**
   * RLIMIT_DATA: the memory QEMU can allocate for itself (heap and private writable mappings).
   * Not RLIMIT_AS: QEMU reserves address space it never touches (measured: a remote of a 256 MiB
   * guest peaks at 7.5 GiB of VmPeak), and guest RAM in a shared memfd counts in neither.
   */
  dataBytes: number;
  /** RLIMIT_NPROC (threads count): only with a uid of its own, where it counts this jail alone. */
  processes: number | null;
  openFiles: number;
  /** RLIMIT_CORE 0: a core file would write guest memory to the disk. */
  coreBytes: 0;
}

export interface PlannedJail {
  confined: boolean;
  /** Why the process runs unconfined; null when it is confined. */
  unconfinedBecause: string | null;
  /** Host uid and gid; null: the orchestrator's own (only root can switch). */
  hostId: number | null;
  namespaces: JailNamespace[];
  /** Why the process shares the host's network; null when it has an empty network namespace. */
  networkBecause: string | null;
  paths: JailPath[];
  limits: JailLimits;
  /** The exact argv put before QEMU's. */
  wrapper: string[];
}

/** What the planner needs to jail one process. */
export interface JailRequest {
  support: JailSupport;
  isolation: IsolationMode;
  role: 'main' | 'remote';
  /** The process's place in its run, so each gets a uid of its own (see `JailSupport.uidBase`). */
  ordinal: number;
  /** Why it needs the host's network (a user-mode netdev), or null. */
  networkBecause: string | null;
  guestMemoryMiB: number;
  /** Folders it must reach read-write (the screen's socket folder), besides its private /tmp. */
  writable: readonly string[];
  /** The main QEMU using KVM gets /dev/kvm. */
  kvm: boolean;
  /** The QEMU binary, so a binary outside /usr is visible too (read-only). */
  binary: string;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * Every QEMU, a device process too, maps TCG's translation buffer (1 GiB, private and writable,
 * so it counts: measured, a remote under a 1 GiB limit fails "mprotect of jit buffer"). The main
 * QEMU also holds private guest RAM when no device process shares it.
 */
function limitsFor(request: JailRequest, ownUid: boolean): JailLimits {
  const dataBytes = request.role === 'main' ? request.guestMemoryMiB * MiB + 3 * GiB : 2 * GiB;
  return {
    dataBytes,
    processes: ownUid ? (request.role === 'main' ? 256 : 64) : null,
    openFiles: 1024,
    coreBytes: 0,
  };
}

/**
 * Where a binary outside /usr lives, for the jail to see it read-only: its install prefix for a
 * `PREFIX/bin/qemu-…` layout (QEMU finds its firmware in PREFIX/share), else only its folder.
 */
function binaryPrefix(binary: string): string | null {
  if (!binary.startsWith('/') || binary.startsWith('/usr/')) return null;
  const parts = binary.split('/').filter(Boolean);
  const folder = parts.slice(0, -1);
  if (folder.length === 0) return null;
  const prefix = folder.at(-1) === 'bin' && folder.length >= 2 ? folder.slice(0, -1) : folder;
  return `/${prefix.join('/')}`;
}

function jailPaths(request: JailRequest): JailPath[] {
  const paths: JailPath[] = [
    { path: '/usr', how: 'read-only' },
    // Debian's merged /usr: the loader and libraries are reached through these links.
    { path: '/lib', how: 'symlink' },
    { path: '/lib64', how: 'symlink' },
    { path: '/bin', how: 'symlink' },
    { path: '/sbin', how: 'symlink' },
    { path: '/dev', how: 'device' },
    { path: '/proc', how: 'own proc' },
    { path: '/tmp', how: 'private tmpfs' },
  ];
  const prefix = binaryPrefix(request.binary);
  if (prefix !== null) paths.push({ path: prefix, how: 'read-only' });
  if (request.kvm) paths.push({ path: '/dev/kvm', how: 'device' });
  for (const dir of request.writable) paths.push({ path: dir, how: 'read-write' });
  return paths;
}

function bwrapArgs(jail: Omit<PlannedJail, 'wrapper'>, support: JailSupport): string[] {
  const args = [support.bwrap];
  const unshare: Record<JailNamespace, string | null> = {
    user: '--unshare-user',
    mount: null, // bwrap always makes a mount namespace
    pid: '--unshare-pid',
    ipc: '--unshare-ipc',
    uts: '--unshare-uts',
    net: '--unshare-net',
    cgroup: '--unshare-cgroup-try',
  };
  for (const ns of jail.namespaces) {
    const flag = unshare[ns];
    if (flag !== null) args.push(flag);
  }
  args.push('--uid', String(JAIL_INSIDE_ID), '--gid', String(JAIL_INSIDE_ID));
  // --new-session: no controlling terminal to push input into (TIOCSTI).
  args.push('--die-with-parent', '--new-session', '--cap-drop', 'ALL');
  for (const p of jail.paths) {
    switch (p.how) {
      case 'read-only':
        args.push('--ro-bind', p.path, p.path);
        break;
      case 'read-write':
        args.push('--bind', p.path, p.path);
        break;
      case 'symlink':
        args.push('--symlink', `usr${p.path}`, p.path);
        break;
      case 'device':
        // The minimal /dev of bwrap (null, zero, random, tty, fd …), or one host device node.
        if (p.path === '/dev') args.push('--dev', '/dev');
        else args.push('--dev-bind', p.path, p.path);
        break;
      case 'own proc':
        args.push('--proc', p.path);
        break;
      case 'private tmpfs':
        args.push('--tmpfs', p.path);
        break;
    }
  }
  // bwrap's root is a tmpfs the jail could write to: only its own /tmp stays writable.
  args.push('--remount-ro', '/', '--chdir', '/', '--');
  return args;
}

function prlimitArgs(limits: JailLimits, support: JailSupport): string[] {
  const args = [support.prlimit, `--data=${limits.dataBytes}`, `--nofile=${limits.openFiles}`];
  if (limits.processes !== null) args.push(`--nproc=${limits.processes}`);
  args.push('--core=0', '--');
  return args;
}

/** Why a process cannot be confined under `isolation`, or null when it is. */
function unconfinedReason(support: JailSupport, isolation: IsolationMode): string | null {
  if (isolation === 'off') return 'isolation is off (setting "isolation")';
  if (!support.usable) {
    // `required` never reaches a launch: the host check refuses Start first (jailProblems).
    return `this host cannot jail QEMU: ${support.reason ?? 'bubblewrap did not run'}`;
  }
  return null;
}

/** The jail of one process: where it runs, as whom, with what, and the argv that does it. */
export function planJail(request: JailRequest): PlannedJail {
  const { support } = request;
  const because = unconfinedReason(support, request.isolation);
  const pdeathsig = ['--pdeathsig', 'SIGKILL'];
  if (because !== null) {
    return {
      confined: false,
      unconfinedBecause: because,
      hostId: null,
      namespaces: [],
      networkBecause: 'it runs unconfined',
      paths: [{ path: '/', how: 'read-write' }],
      limits: limitsFor(request, false),
      wrapper: [support.setpriv, ...pdeathsig, '--'],
    };
  }
  // bwrap binds a folder by its path, which lies in the run directory, private to the server's
  // uid: a process that needs one (the main QEMU with a screen) keeps the server's uid.
  const hostId =
    support.ownUids && request.writable.length === 0 ? support.uidBase + request.ordinal : null;
  const namespaces: JailNamespace[] = ['user', 'mount', 'pid', 'ipc', 'uts', 'cgroup'];
  if (request.networkBecause === null) namespaces.push('net');
  const jail = {
    confined: true,
    unconfinedBecause: null,
    hostId,
    namespaces,
    networkBecause: request.networkBecause,
    paths: jailPaths(request),
    limits: limitsFor(request, hostId !== null),
  };
  const setpriv = [support.setpriv];
  if (hostId !== null) {
    setpriv.push('--reuid', String(hostId), '--regid', String(hostId));
    if (request.kvm && support.kvmGid !== null) setpriv.push(`--groups=${support.kvmGid}`);
    else setpriv.push('--clear-groups');
  }
  setpriv.push(...pdeathsig, '--');
  return {
    ...jail,
    wrapper: [...setpriv, ...prlimitArgs(jail.limits, support), ...bwrapArgs(jail, support)],
  };
}

/**
 * What Start must say about jails on this host under `isolation`: an error when they are required
 * and the host cannot make them (with the fix), a warning on every process when they run
 * unconfined. Shown on the VM and on each process node.
 */
export function jailProblems(
  support: JailSupport,
  isolation: IsolationMode,
  processIds: readonly string[],
): Problem[] {
  const nodeIds = ['$vm', ...processIds];
  if (isolation === 'off') {
    return [
      {
        severity: 'warning',
        code: 'host.unconfined',
        message:
          'isolation is off: every QEMU process runs unconfined, as the server\'s user, seeing the whole host (set isolation to "required" to jail them)',
        path: 'isolation',
        nodeIds,
      },
    ];
  }
  if (support.usable) return [];
  const why = support.reason ?? 'bubblewrap did not run';
  if (isolation === 'required') {
    return [
      {
        severity: 'error',
        code: 'host.jail-unavailable',
        message: `this host cannot jail the QEMU processes, and isolation is "required": ${why}. Or start the server with --isolation preferred to run them unconfined`,
        path: 'isolation',
        nodeIds,
      },
    ];
  }
  return [
    {
      severity: 'warning',
      code: 'host.unconfined',
      message: `every QEMU process will run UNCONFINED (isolation "preferred"): ${why}`,
      path: 'isolation',
      nodeIds,
    },
  ];
}
