/**
 * What a dead owner of the data directory left in `<dataDir>/runs`. Called only with the data-dir
 * lock held (data-dir-lock.ts), so every run directory there belongs to a process that is gone:
 * a server or `mpqemu up` killed by SIGKILL or a crash skipped its own cleanup.
 *
 * Policy, the same as the launcher's for finished runs: the newest `keep` run directories stay
 * for post-mortems with their *.log files only (sockets mean nothing once QEMU is gone, and a stale
 * socket file would make the directory look live); older ones are deleted whole.
 */
import { readFileSync } from 'node:fs';
import { lstat, readdir, realpath, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cmdline, findProcesses, isRunning, statFields } from './proc.ts';

export interface StaleCleanup {
  /** Run directories found. */
  runs: number;
  /** Run directories left whole: a live owner's QEMU works in them (see ownerOf). */
  live: number;
  /** Socket files removed. */
  sockets: number;
  /** Run directories kept (logs only). */
  kept: number;
  /** Run directories deleted. */
  deleted: number;
  /** QEMU processes that still referenced a stale run directory and were killed. */
  killed: number[];
  /** Other processes that reference one (e.g. a `tail -f` of a log): left alone. */
  spared: { pid: number; command: string }[];
}

export interface StaleOptions {
  /** Newest run directories whose logs are kept. */
  keep: number;
  /** After SIGTERM, before SIGKILL. Default 3 s. */
  killGraceMs?: number;
}

/** Processes that run in one of `dirs` (a run's QEMUs do) or whose argv names a path inside one. */
function processesIn(dirs: readonly string[]): { pid: number; argv: string[] }[] {
  return findProcesses(
    (argv, cwd) =>
      dirs.some((d) => cwd === d || cwd?.startsWith(`${d}/`)) ||
      argv.some((arg) => dirs.some((d) => arg.includes(`${d}/`))),
  );
}

/** The parent of `pid`, or null when it is gone. */
function parentOf(pid: number): number | null {
  try {
    const ppid = Number(statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[1]);
    return ppid > 0 ? ppid : null;
  } catch {
    return null;
  }
}

/**
 * The live Node.js process (`node pid N`) that `pid` descends from, or null. The server, `mpqemu
 * up` and the exported launcher spawn each QEMU as their own child (setpriv execs it; a jail such
 * as bwrap may stand in between), so a QEMU under a live Node.js process belongs to a live owner
 * and is never a leftover, even when the lock it should hold was lost (a deleted data directory
 * lets a newcomer take a new lock file). A true leftover was reparented to init or a subreaper
 * when its owner died.
 */
function ownerOf(pid: number): string | null {
  let at = parentOf(pid);
  // A few levels: QEMU, its jail, the owner; past that it is not ours.
  for (let depth = 0; depth < 4 && at !== null && at > 1; depth++) {
    if (!isRunning(at)) return null;
    const argv0 = basename(cmdline(at)?.[0] ?? '');
    if (/^node(js)?(\d+)?$/.test(argv0)) return `${argv0} pid ${at}`;
    at = parentOf(at);
  }
  return null;
}

/** SIGTERM first: QEMU then flushes qcow2 metadata; SIGKILL for one that does not listen. */
async function kill(pids: readonly number[], graceMs: number, dirs: readonly string[]) {
  const send = (pid: number, signal: NodeJS.Signals) => {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone, or not ours to kill (EPERM): nothing more to do from here.
    }
  };
  for (const pid of pids) send(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(isRunning) && Date.now() < deadline) await sleep(50);
  // Checked again, so that a pid reused meanwhile by an unrelated process is not hit.
  const stubborn = new Set(processesIn(dirs).map((p) => p.pid));
  for (const pid of pids) if (stubborn.has(pid)) send(pid, 'SIGKILL');
}

async function newestLogTime(dir: string, names: readonly string[]): Promise<number> {
  const times = await Promise.all(
    [dir, ...names.filter((n) => n.endsWith('.log')).map((n) => join(dir, n))].map((p) =>
      lstat(p).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    ),
  );
  return Math.max(...times);
}

/** Kills leftovers, removes sockets, prunes old run directories. See the module comment. */
export async function cleanStaleRuns(
  runsDir: string,
  options: StaleOptions,
): Promise<StaleCleanup> {
  const result: StaleCleanup = {
    runs: 0,
    live: 0,
    sockets: 0,
    kept: 0,
    deleted: 0,
    killed: [],
    spared: [],
  };
  let entries;
  try {
    entries = await readdir(runsDir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw e;
  }
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => join(runsDir, e.name));
  result.runs = dirs.length;
  if (dirs.length === 0) return result;

  // The launcher names run directories from the data dir as given; match its real path too.
  const real = await realpath(runsDir).catch(() => runsDir);
  const needles = [...dirs, ...dirs.map((d) => join(real, basename(d)))];
  const found = processesIn(needles);
  const isQemu = (p: { argv: string[] }) => basename(p.argv[0] ?? '').startsWith('qemu');
  const qemus = found.filter((p) => isQemu(p) && ownerOf(p.pid) === null);
  result.spared = found
    .filter((p) => !qemus.includes(p))
    .map((p) => {
      const owner = ownerOf(p.pid);
      const command = p.argv.join(' ').slice(0, 200);
      return {
        pid: p.pid,
        command: owner === null ? command : `${command}; owned by live ${owner}`,
      };
    });
  result.killed = qemus.map((p) => p.pid);
  if (qemus.length > 0) await kill(result.killed, options.killGraceMs ?? 3_000, needles);

  // A run directory that a live owner's QEMU works in is that owner's, not stale: left whole.
  const owned = found.filter((p) => isQemu(p) && !qemus.includes(p));
  const live = new Set(
    dirs.filter((d) =>
      processesIn([d, join(real, basename(d))]).some((p) => owned.some((o) => o.pid === p.pid)),
    ),
  );
  result.live = live.size;
  const listed = await Promise.all(
    dirs
      .filter((d) => !live.has(d))
      .map(async (dir) => {
        const names = await readdir(dir).catch(() => []);
        return { dir, names, time: await newestLogTime(dir, names) };
      }),
  );
  listed.sort((a, b) => b.time - a.time);
  for (const [index, { dir, names }] of listed.entries()) {
    for (const name of names) {
      const stat = await lstat(join(dir, name)).catch(() => null);
      if (stat?.isSocket()) result.sockets++;
    }
    const logs = names.filter((n) => n.endsWith('.log'));
    if (index < options.keep && logs.length > 0) {
      const others = names.filter((n) => !n.endsWith('.log'));
      await Promise.all(others.map((n) => rm(join(dir, n), { recursive: true, force: true })));
      result.kept++;
    } else {
      await rm(dir, { recursive: true, force: true });
      result.deleted++;
    }
  }
  return result;
}

/** One line for the server's log, or null when there was nothing to clean. */
export function describeCleanup(c: StaleCleanup): string | null {
  if (c.runs === 0) return null;
  const parts = [
    `${c.runs} stale run director${c.runs === 1 ? 'y' : 'ies'} left by a previous process`,
    `${c.sockets} socket${c.sockets === 1 ? '' : 's'} removed`,
    ...(c.live === 0 ? [] : [`${c.live} left whole (a live process's QEMU works there)`]),
    `logs of ${c.kept} kept`,
    `${c.deleted} deleted`,
    c.killed.length === 0
      ? 'no QEMU was left running'
      : `killed leftover QEMU pid ${c.killed.join(', ')}`,
  ];
  if (c.spared.length > 0) {
    parts.push(`left alone: ${c.spared.map((s) => `pid ${s.pid} (${s.command})`).join('; ')}`);
  }
  return `cleaned ${parts.join(', ')}`;
}
