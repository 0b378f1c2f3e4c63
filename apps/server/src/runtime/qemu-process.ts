/**
 * Spawning one QEMU process with the descriptors it inherits. The runtime's only spawner: the
 * server's runs, `mpqemu up`, doctor, the exported launcher and the benchmarks' baselines all
 * start QEMU here (a test fails if any other file imports node:child_process).
 *
 * Node has no socketpair(), but libuv makes a `'pipe'` stdio entry with socketpair(AF_UNIX,
 * SOCK_STREAM): a `pair` fd gives the child one end and us the other (`ends`). Spawned with
 * node:child_process, not execa: this folder is bundled into the exported launcher, which must
 * run with Node alone, and execa costs more CPU per spawn (docs/qemu-facts.md has the figures).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/** What a child gets at one of its descriptors (3 and up). */
export type FdSource =
  /** A new socketpair: the child gets one end, `QemuProcess.ends` holds ours. */
  | { kind: 'pair' }
  /** An end we hold already (a remote's channel end, a spare): passed as it is. */
  | { kind: 'socket'; socket: Socket }
  /** A descriptor of ours (an opened image, kernel or initrd). */
  | { kind: 'file'; fd: number };

export interface SpawnRequest {
  /** For people: `main`, `rp0`. */
  name: string;
  /** argv[0] is the QEMU binary. */
  argv: readonly string[];
  /** Child fd → its source. Gaps are closed (`'ignore'`). */
  fds: ReadonlyMap<number, FdSource>;
  /**
   * What runs first and execs QEMU with the same pid, e.g. setpriv's parent-death signal: QEMU
   * then dies with us even when we are SIGKILLed, which no exit handler can catch.
   */
  wrapper: readonly string[];
  /**
   * The wrapper ends in bubblewrap, which runs QEMU as its grandchild (its pid 1 reaps) and
   * reports QEMU's death by a signal N as exit status 128+N.
   */
  jailed?: boolean;
  env: Record<string, string | undefined>;
  cwd?: string;
  /** `ignore` drops QEMU's output (nobody reads it); default `pipe`. */
  output?: 'pipe' | 'ignore';
}

export interface ExitStatus {
  code: number | null;
  signal: string | null;
  /** The child could not be started at all (ENOENT…). */
  spawnError: string | null;
}

/** A spawned QEMU: its exit is the truth about its life (QEMU raises no event when a remote dies). */
export class QemuProcess {
  readonly pid: number | null;
  /** Our ends of the child's `pair` fds, by child fd. */
  readonly ends = new Map<number, Socket>();
  readonly exited: Promise<ExitStatus>;
  /** Resolves once the child has exited and its stdout and stderr are drained. */
  readonly drained: Promise<void>;
  exit: ExitStatus | null = null;

  private innerPid: number | null = null;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly jailed = false,
  ) {
    this.pid = child.pid ?? null;
    this.exited = new Promise<ExitStatus>((resolve) => {
      const done = (status: ExitStatus): void => {
        if (this.exit) return;
        this.exit = status;
        resolve(status);
      };
      // 'exit' fires on SIGCHLD, before the pipes drain; a spawn failure emits only 'error'.
      child.once('exit', (code, signal) => done(this.unjailed({ code, signal, spawnError: null })));
      child.once('error', (e) => {
        if (child.pid === undefined) done({ code: null, signal: null, spawnError: e.message });
      });
    });
    const streams = [child.stdout, child.stderr].filter((s): s is Readable => s !== null);
    const closed = streams.map(
      (s) => new Promise<void>((resolve) => s.once('close', () => resolve())),
    );
    this.drained = Promise.all([this.exited, ...closed]).then(() => undefined);
  }

  get alive(): boolean {
    return this.exit === null && this.pid !== null;
  }

  /** bubblewrap's 128+N for "what it ran was killed by signal N", told as that signal. */
  private unjailed(status: ExitStatus): ExitStatus {
    const { code } = status;
    if (!this.jailed || code === null || code <= 128) return status;
    const name = Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0];
    return name === undefined ? status : { ...status, code: null, signal: name };
  }

  /**
   * QEMU's own pid on the host: the process itself, or in a jail the grandchild (bwrap, then
   * bwrap's pid 1 of the new pid namespace, then QEMU). Null until bwrap has started QEMU.
   */
  qemuPid(): number | null {
    if (this.pid === null || !this.alive) return null;
    if (!this.jailed) return this.pid;
    if (this.innerPid !== null) return this.innerPid;
    const init = firstChild(this.pid);
    const qemu = init === null ? null : firstChild(init);
    this.innerPid = qemu;
    return qemu;
  }

  get stdout(): Readable | null {
    return this.child.stdout;
  }

  get stderr(): Readable | null {
    return this.child.stderr;
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.alive) return;
    try {
      this.child.kill(signal);
    } catch {
      // Already reaped between the check and the call.
    }
  }

  /** "exited with code 1" / "was killed by SIGKILL" / "could not be started: …". */
  describeExit(): string {
    const e = this.exit;
    if (!e) return 'is still running';
    if (e.spawnError) return `could not be started: ${e.spawnError}`;
    if (e.signal) return `was killed by ${e.signal}`;
    return `exited with code ${e.code ?? '?'}`;
  }
}

/** The first child of `pid` (Linux's /proc/PID/task/PID/children), or null. */
function firstChild(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    const first = Number(text.split(' ')[0]);
    return Number.isInteger(first) && first > 0 ? first : null;
  } catch {
    return null;
  }
}

type StdioEntry = 'ignore' | 'pipe' | Socket | number;

/**
 * Spawns `request` synchronously. The caller must run every spawn that shares channel ends in one
 * tick: our end of a channel starts reading as soon as it exists and would swallow the peer's
 * protocol bytes. Ends of `pair` fds that carry no protocol of ours (QMP, console) are ours to
 * read; a `socket` source stays ours to close.
 */
export function spawnQemu(request: SpawnRequest): QemuProcess {
  const output = request.output ?? 'pipe';
  const stdio: StdioEntry[] = ['ignore', output, output];
  const width = Math.max(3, ...[...request.fds.keys()].map((fd) => fd + 1));
  for (let fd = 3; fd < width; fd++) {
    const source = request.fds.get(fd);
    if (source === undefined) stdio.push('ignore');
    else if (source.kind === 'pair') stdio.push('pipe');
    else if (source.kind === 'socket') stdio.push(source.socket);
    else stdio.push(source.fd);
  }
  const [command = '', ...rest] = [...request.wrapper, ...request.argv];
  const child = spawn(command, rest, {
    stdio,
    env: request.env,
    ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
  });
  const proc = new QemuProcess(request.name, child, request.jailed ?? false);
  for (const [fd, source] of request.fds) {
    if (source.kind !== 'pair') continue;
    const end = child.stdio[fd] as Socket | null | undefined;
    if (!end) continue;
    // A peer's reset must never crash the process that holds the end.
    end.on('error', () => undefined);
    proc.ends.set(fd, end);
  }
  // Unread output would fill the pipe and stall QEMU; a reader attaches its own listener.
  return proc;
}

/**
 * The environment QEMU runs with: ours with LC_ALL=C (QEMU's messages are parsed and shown), read
 * once per launch: reading process.env goes through the C environment key by key.
 */
export function qemuEnv(): Record<string, string | undefined> {
  return { ...process.env, LC_ALL: 'C' };
}
