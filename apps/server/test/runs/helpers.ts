/** Shared setup of the launcher's integration tests: the test guest, examples, process checks. */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  loadTopologyText,
  resolveDocumentPaths,
  type RunInfo,
  type Topology,
} from '@mpqemu/shared';
import { afterAll, beforeAll, expect } from 'vitest';
import { createCapabilityService, type CapabilityService } from '../../src/probe/index.ts';
import { createRunManager, type RunManagerOptions } from '../../src/runs/manager.ts';
import { findProcesses } from '../../src/runs/proc.ts';
import type { RunManager } from '../../src/runs/types.ts';
import { ensureGuest } from '../support/guest.ts';
import { EXAMPLES } from '../support/repo.ts';

/** Every example runs proxied devices under TCG and carries this warning. */
export const TCG_ACK = ['proxy.tcg-no-interrupts'];

export function loadExample(name: string): Topology {
  const file = join(EXAMPLES, name);
  const loaded = loadTopologyText(readFileSync(file, 'utf8'));
  if (!loaded.ok) throw new Error(`${file}: ${JSON.stringify(loaded.errors)}`);
  return resolveDocumentPaths(loaded.topology, dirname(file));
}

let capabilities: CapabilityService | null = null;
/** One probe per test file (the KVM boot check takes a few seconds). */
function sharedCapabilities(): CapabilityService {
  capabilities ??= createCapabilityService('qemu-system-x86_64');
  return capabilities;
}

/** A short data dir: socket paths must stay under 108 bytes. */
export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mpqr-'));
}

export async function makeManager(
  options: Partial<RunManagerOptions> = {},
): Promise<{ manager: RunManager; dataDir: string }> {
  const dataDir = options.dataDir ?? (await tempDataDir());
  const manager = createRunManager({
    capabilities: sharedCapabilities().get,
    dataDir,
    readyTimeoutMs: 60_000,
    stopGraceMs: 3_000,
    ...options,
  });
  return { manager, dataDir };
}

/**
 * One RunManager for a whole test file, on a fresh data dir. After the file's tests it is shut
 * down, must have left no QEMU process behind, and its data dir is removed.
 */
export function managerForFile(options: Partial<RunManagerOptions> = {}): {
  readonly manager: RunManager;
  readonly dataDir: string;
} {
  const ctx = {} as { manager: RunManager; dataDir: string };
  beforeAll(async () => {
    await ensureGuest();
    Object.assign(ctx, await makeManager(options));
  });
  afterAll(async () => {
    await ctx.manager.shutdown();
    expect(qemuUnder(ctx.dataDir)).toEqual([]);
    rmSync(ctx.dataDir, { recursive: true, force: true });
  });
  return ctx;
}

/** The first snapshot of `runId` that satisfies `predicate`. */
export async function waitForRun(
  manager: RunManager,
  runId: string,
  predicate: (info: RunInfo) => boolean,
  timeoutMs = 90_000,
): Promise<RunInfo> {
  const signal = AbortSignal.timeout(timeoutMs);
  for await (const info of manager.events(runId, signal)) {
    if (predicate(info)) return info;
  }
  throw new Error(
    `run ${runId} did not reach the expected state within ${timeoutMs} ms: ${JSON.stringify(manager.get(runId), null, 1)}`,
  );
}

/** Collects the guest console until `text` (a string or pattern) appears. */
export async function waitForConsole(
  manager: RunManager,
  runId: string,
  until: string | RegExp,
  timeoutMs = 90_000,
): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let output = '';
  try {
    for await (const chunk of manager.console(runId, controller.signal)) {
      output += chunk;
      if (typeof until === 'string' ? output.includes(until) : until.test(output)) return output;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  throw new Error(`console of ${runId} never showed ${String(until)}; got:\n${output}`);
}

export function pidsOf(info: RunInfo): number[] {
  return info.processes.map((p) => p.pid).filter((pid): pid is number => pid !== null);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export { isRunning } from '../../src/runs/proc.ts';

/**
 * Pids of every other process whose command line or working directory mentions `needle` (e.g. a
 * run directory: a run's QEMUs run there).
 */
export function processesMentioning(needle: string): number[] {
  return findProcesses(
    (argv, cwd) => argv.join('\0').includes(needle) || (cwd?.includes(needle) ?? false),
  ).map((p) => p.pid);
}

/** Every QEMU started under `dataDir`: a launcher test must leave none behind. */
export function qemuUnder(dataDir: string): number[] {
  return processesMentioning(dataDir);
}

/** The direct children of `parent`, from /proc (their ppid). */
export function childrenOf(parent: number): { pid: number; argv: string[] }[] {
  return findProcesses(() => true).filter((p) => {
    try {
      const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
    } catch {
      return false;
    }
  });
}

export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}
