/**
 * `mpqemu up`: runs a topology with the server's launcher, in the terminal. Status goes to
 * stderr, the guest's serial console to stdout; Ctrl-C stops the run cleanly, a second one forces.
 */
import { createInterface } from 'node:readline/promises';
import {
  hasScreen,
  TERMINAL_RUN_STATES,
  viewerCommand,
  validate,
  type Problem,
  type RunInfo,
  type Topology,
} from '@mpqemu/shared';
import { DataDirInsecure } from '../security/data-dir.ts';
import { DataDirBusy, lockDataDir, type DataDirLock } from '../runs/data-dir-lock.ts';
import { createRunManager, DEFAULT_KEEP_FINISHED, runsDirOf } from '../runs/manager.ts';
import { cleanStaleRuns, describeCleanup } from '../runs/stale-runs.ts';
import { StartRefused, type RunManager } from '../runs/types.ts';
import type { Timings } from '../timings.ts';
import type { Host } from './capabilities.ts';
import { EXIT, type CliIo } from './io.ts';
import { formatProblem, reportProblems } from './report.ts';

/** How long a Ctrl-C lets the guest power off before quitting QEMU. */
const STOP_GRACE_MS = 3_000;

export interface UpOptions {
  /** Acknowledge every warning without asking. */
  yes: boolean;
  topologyName: string;
  /** With --timings: where the time to the first spawn and to readiness goes. */
  timings: Timings | null;
  /** The data dir's lock, claimed by the caller as early as it knew the data dir. */
  claim: Promise<Claim>;
}

async function confirm(warnings: Problem[], yes: boolean, io: CliIo): Promise<boolean> {
  if (warnings.length === 0 || yes) return true;
  io.stderr(`Warnings:\n${warnings.map((w) => `  ${formatProblem(w)}`).join('\n')}\n`);
  if (!process.stdin.isTTY) {
    io.stderr('Refusing to start with unconfirmed warnings; pass --yes to accept them.\n');
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question('Start anyway? [y/N] ');
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/** The data dir's lock, or why there is none; with what the stale-run cleanup did. */
export type Claim = { lock: DataDirLock; cleaned: string | null } | { refused: string };

/**
 * `up` runs under the data dir's lock, like the server: a server starting meanwhile would
 * otherwise take this run for a dead one's leftovers and delete it (and `up` would do the same to
 * the server's runs). Refused, with the reason, when a server or another `up` owns it. Prints
 * nothing: it runs while the capabilities are read, and its words come after the warnings.
 */
export async function claimDataDir(dataDir: string): Promise<Claim> {
  try {
    const lock = await lockDataDir(dataDir, 'mpqemu up');
    const cleaned = describeCleanup(
      await cleanStaleRuns(runsDirOf(dataDir), { keep: DEFAULT_KEEP_FINISHED }),
    );
    return { lock, cleaned };
  } catch (e) {
    if (e instanceof DataDirInsecure) return { refused: e.message };
    if (!(e instanceof DataDirBusy)) throw e;
    return { refused: `${e.message}; stop it, or set MPQEMU_DATA_DIR to another directory` };
  }
}

/** Where the running VM's screen is and how to open it, or why not (it may have died meanwhile). */
function screenLine(manager: RunManager, runId: string): string {
  try {
    const { socket } = manager.screen(runId);
    return `[mpqemu] screen: VNC on ${socket}; view it with: ${viewerCommand(socket)}\n`;
  } catch (e) {
    return `[mpqemu] screen: ${(e as Error).message}\n`;
  }
}

/** Prints the steps and status changes of a run as they happen; resolves with the last snapshot. */
async function follow(
  manager: RunManager,
  runId: string,
  signal: AbortSignal,
  io: CliIo,
  timings: Timings | null,
) {
  let steps = 0;
  let status = '';
  let last: RunInfo | undefined;
  for await (const info of manager.events(runId, signal)) {
    last = info;
    for (const step of info.steps.slice(steps)) io.stderr(`[mpqemu] ${step.text}\n`);
    steps = info.steps.length;
    if (info.status !== status) {
      status = info.status;
      if (timings && !timings.printed && status !== 'starting') {
        timings.mark(`run ${status}`);
        io.stderr(timings.format());
        timings.printed = true;
      }
      io.stderr(`[mpqemu] ${status}${info.reason ? `: ${info.reason}` : ''}\n`);
      if (status === 'running' && hasScreen(info.topology)) io.stderr(screenLine(manager, runId));
    }
    if (TERMINAL_RUN_STATES.includes(info.status)) break;
  }
  return last;
}

function attachConsole(manager: RunManager, runId: string, signal: AbortSignal, stop: () => void) {
  void (async () => {
    try {
      for await (const chunk of manager.console(runId, signal)) process.stdout.write(chunk);
    } catch {
      // The feed ends with the run; nothing to report.
    }
  })();
  const tty = process.stdin.isTTY;
  if (tty) process.stdin.setRawMode(true);
  const onData = (data: Buffer) => {
    // Raw mode turns Ctrl-C into a byte; it stops the run as the signal would.
    if (tty && data.includes(3)) {
      stop();
      return;
    }
    manager.consoleInput(runId, data.toString('utf8'));
  };
  process.stdin.on('data', onData);
  // The warning prompt's readline left stdin paused; a 'data' listener alone does not resume it.
  process.stdin.resume();
  return () => {
    process.stdin.off('data', onData);
    if (tty) process.stdin.setRawMode(false);
    process.stdin.pause();
  };
}

/**
 * The Ctrl-C handler: the first asks the guest to power off, the second forces (QMP quit, then
 * signals), further ones are ignored: the teardown is already as fast as it gets.
 */
function stopper(manager: RunManager, runId: string, io: CliIo): () => void {
  let presses = 0;
  return () => {
    presses += 1;
    if (presses === 1) {
      // A run still starting is not asked to power off: stop() goes straight to the signals.
      const asking = manager.get(runId)?.status !== 'starting';
      const seconds = Math.round(STOP_GRACE_MS / 1000);
      io.stderr(
        asking
          ? `\n[mpqemu] stopping: waiting up to ${seconds} s for the guest to power off; Ctrl-C again to force\n`
          : '\n[mpqemu] stopping…\n',
      );
      void manager.stop(runId).catch(() => undefined);
    } else if (presses === 2) {
      io.stderr('\n[mpqemu] forcing: quitting QEMU now (unsaved guest data is lost)\n');
      void manager.stop(runId, { force: true }).catch(() => undefined);
    }
  };
}

/** Starts the run, streams it until it ends, returns the exit status. */
export async function up(
  topology: Topology,
  { config, caps }: Host,
  options: UpOptions,
  io: CliIo,
): Promise<number> {
  const { timings } = options;
  const time = <T>(step: string, work: () => Promise<T> | T): Promise<T> =>
    timings ? timings.time(step, work) : Promise.resolve(work());
  const claiming = options.claim;
  const releaseUnused = () =>
    claiming.then((c) => ('lock' in c ? c.lock.release() : undefined)).catch(() => undefined);
  const problems = await time('validate', () => validate(topology, caps));
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    reportProblems(errors, io);
    await releaseUnused();
    return EXIT.failed;
  }
  const warnings = problems.filter((p) => p.severity === 'warning');
  if (!(await confirm(warnings, options.yes, io))) {
    await releaseUnused();
    return EXIT.failed;
  }
  const claim = await claiming;
  if ('refused' in claim) {
    io.stderr(`${claim.refused}\n`);
    return EXIT.failed;
  }
  const { lock } = claim;
  if (claim.cleaned) io.stderr(`[mpqemu] ${claim.cleaned}\n`);
  const manager = createRunManager({
    capabilities: () => Promise.resolve(caps),
    dataDir: config.dataDir,
    imageRoots: config.imageRoots,
    isolation: config.isolation,
    // A terminal user pressing Ctrl-C wants the VM gone, not a long ACPI wait.
    stopGraceMs: STOP_GRACE_MS,
    ...(timings ? { timings } : {}),
  });
  let info: RunInfo;
  try {
    info = await time('start: host checks, plan, spawn', () =>
      manager.start(topology, {
        topologyName: options.topologyName,
        acknowledged: warnings.map((w) => w.code),
      }),
    );
  } catch (e) {
    if (!(e instanceof StartRefused)) throw e;
    io.stderr(`${e.message}\n`);
    reportProblems(e.problems, io);
    lock.release();
    return EXIT.failed;
  }

  const abort = new AbortController();
  const stop = stopper(manager, info.id, io);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const detach = attachConsole(manager, info.id, abort.signal, stop);
  try {
    const last = await follow(manager, info.id, abort.signal, io, timings);
    if (last?.status === 'failed' && last.culpritLog.length > 0) {
      io.stderr(`[mpqemu] last lines of ${last.culprit ?? 'the process'}:\n`);
      io.stderr(`${last.culpritLog.map((l) => `  ${l}`).join('\n')}\n`);
    }
    return last?.status === 'stopped' ? EXIT.ok : EXIT.failed;
  } finally {
    abort.abort();
    detach();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await manager.shutdown();
    lock.release();
  }
}
