/**
 * The restart behaviour table (docs/live.md, RESTART_TABLE in runtime/restart-policy.ts) row by row,
 * through all three front ends against real QEMU: the server's run manager (what the API calls),
 * `mpqemu up`, and the exported launcher. Every fault here is real: SIGKILL, SIGTERM and SIGSTOP
 * (a hang) of a device process, a stop the user asks for, SIGKILL of the main QEMU. (`exit-nonzero` cannot be produced
 * on a running device process; its row is the same policy decision as `signal`, covered by
 * runtime/restart-policy.test.ts.)
 */
import { join } from 'node:path';
import type { RunInfo } from '@mpqemu/shared';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESTART_TABLE, type EndCause } from '../../src/runtime/restart-policy.ts';
import type { RunManager } from '../../src/runs/types.ts';
import { BIN, cli, privateExample, tempDir, waitForText } from '../cli/helpers.ts';
import {
  childrenOf,
  isAlive,
  makeManager,
  TCG_ACK,
  waitForConsole,
  waitForRun,
} from '../runs/helpers.ts';
import { ensureGuest } from '../support/guest.ts';

beforeAll(ensureGuest);

/** One running VM as a front end shows it. */
interface Driver {
  pids(): { main: number; remote: number };
  /** Resolves with the device process's new pid once the front end says it is back. */
  restarted(restartsBefore: number): Promise<number>;
  /** How many restarts the front end has reported so far. */
  restarts(): number;
  /** The user's stop; resolves whether the VM ended cleanly. */
  stop(): Promise<boolean>;
  /** Resolves once the VM is over by itself; true when the front end calls that a failure. */
  ended(): Promise<boolean>;
}

interface FrontEnd {
  name: string;
  start(): Promise<Driver>;
}

const managers: RunManager[] = [];
afterAll(async () => {
  await Promise.all(managers.map((m) => m.shutdown()));
});

const serverApi: FrontEnd = {
  name: 'server API (run manager)',
  async start() {
    const { topology, dir } = await privateExample('upstream-lsi');
    const { manager } = await makeManager({ imageRoots: [dir] });
    managers.push(manager);
    const { id } = await manager.start(topology, { acknowledged: TCG_ACK });
    await waitForRun(manager, id, (r) => r.status === 'running');
    await waitForConsole(manager, id, 'mpqemu-guest: pci-done');
    const info = (): RunInfo => {
      const got = manager.get(id);
      if (!got) throw new Error('run forgotten');
      return got;
    };
    const rp0 = (r: RunInfo) => r.processes.find((p) => p.name === 'rp0');
    return {
      pids: () => ({
        main: info().processes.find((p) => p.name === 'main')?.pid ?? -1,
        remote: rp0(info())?.pid ?? -1,
      }),
      restarts: () => rp0(info())?.restarts ?? 0,
      restarted: async (before) =>
        (
          await waitForRun(
            manager,
            id,
            (r) => r.status === 'running' && (rp0(r)?.restarts ?? 0) > before,
            60_000,
          ).then(rp0)
        )?.pid ?? -1,
      stop: async () => (await manager.stop(id)).status === 'stopped',
      ended: async () =>
        (await waitForRun(manager, id, (r) => r.status === 'failed' || r.status === 'stopped'))
          .status === 'failed',
    };
  },
};

/** The QEMU processes below `pid`, through any jail wrappers (argv[0] is the QEMU binary). */
function qemuDescendants(pid: number): { pid: number; argv: string[] }[] {
  const found: { pid: number; argv: string[] }[] = [];
  for (const kid of childrenOf(pid)) {
    if (/qemu-system-[a-z0-9_]+$/.test(kid.argv[0] ?? '')) found.push(kid);
    else found.push(...qemuDescendants(kid.pid));
  }
  return found;
}

/** A front end that is a command: `mpqemu up` or the exported launcher. */
function command(
  name: string,
  argv: (file: string, env: Record<string, string>) => Promise<string[]>,
): FrontEnd {
  return {
    name,
    async start() {
      const { file, dir } = await privateExample('upstream-lsi');
      // The data directory apart from the image root: a root holding it is ignored.
      const env = { MPQEMU_DATA_DIR: join(await tempDir(), 'data'), MPQEMU_IMAGE_ROOTS: dir };
      const child = execa('node', await argv(file, env), {
        reject: false,
        stdin: 'ignore',
        env,
      });
      const out = { stdout: '', stderr: '' };
      child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
      await waitForText(() => out.stdout, 'mpqemu-guest: pci-done', 90_000);
      await waitForText(() => out.stderr, '[mpqemu] running', 30_000);
      const count = () => out.stderr.split('[mpqemu] rp0 restarted (pid ').length - 1;
      // QEMU itself: in its jail it is the wrapper's grandchild, and a signal or a stop must
      // reach QEMU, not the jail's wrapper.
      const qemus = () => qemuDescendants(child.pid ?? -1);
      return {
        pids: () => ({
          main: qemus().find((q) => !q.argv.includes('x-remote'))?.pid ?? -1,
          remote: qemus().find((q) => q.argv.includes('x-remote'))?.pid ?? -1,
        }),
        restarts: count,
        restarted: async (before) => {
          const deadline = Date.now() + 60_000;
          while (count() <= before && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 100));
          expect(count(), out.stderr).toBeGreaterThan(before);
          const last = out.stderr.split('[mpqemu] rp0 restarted (pid ').at(-1) ?? '';
          return Number(/^\d+/.exec(last)?.[0] ?? -1);
        },
        stop: async () => {
          child.kill('SIGINT');
          return (await child).exitCode === 0;
        },
        ended: async () => (await child).exitCode !== 0,
      };
    },
  };
}

const up = command('mpqemu up', (file) => Promise.resolve([BIN, 'up', file, '--yes']));
const launcher = command('exported launcher', async (file, env) => {
  const script = join(file, '..', 'launch.mjs');
  const r = await cli(['export', file, '-o', script], env);
  expect(r.exitCode, r.stderr).toBe(0);
  return [script];
});

/** What each row does to a running VM, and what it must lead to. */
const ROWS: { cause: EndCause; act: (d: Driver) => void }[] = [
  { cause: 'signal', act: (d) => process.kill(d.pids().remote, 'SIGKILL') },
  { cause: 'exit-zero', act: (d) => process.kill(d.pids().remote, 'SIGTERM') },
  // The liveness watch finds it hung within 2 s, kills it and the policy restarts it.
  { cause: 'hung', act: (d) => process.kill(d.pids().remote, 'SIGSTOP') },
];

describe.each([serverApi, up, launcher])(
  'the restart table through $name (real QEMU, TCG)',
  (front) => {
    it('signal, exit-zero and hung restart the device process; a stop asked for restarts nothing', async () => {
      const vm = await front.start();
      for (const row of ROWS) {
        expect(RESTART_TABLE[row.cause].policy, row.cause).toBe(true);
        const before = vm.pids();
        const restarts = vm.restarts();
        row.act(vm);
        const next = await vm.restarted(restarts);
        expect(next, row.cause).not.toBe(before.remote);
        expect(isAlive(next), row.cause).toBe(true);
        // The VM itself was never restarted.
        expect(vm.pids().main, row.cause).toBe(before.main);
      }
      expect(RESTART_TABLE.asked.policy).toBe(false);
      const last = vm.pids();
      const restarts = vm.restarts();
      expect(await vm.stop()).toBe(true);
      expect(vm.restarts()).toBe(restarts);
      expect(isAlive(last.main)).toBe(false);
      expect(isAlive(last.remote)).toBe(false);
    });

    it('main-gone: the device processes follow the main QEMU and nothing is restarted', async () => {
      expect(RESTART_TABLE['main-gone'].policy).toBe(false);
      const vm = await front.start();
      const { main, remote } = vm.pids();
      const restarts = vm.restarts();
      process.kill(main, 'SIGKILL');
      expect(await vm.ended()).toBe(true);
      expect(vm.restarts()).toBe(restarts);
      expect(isAlive(remote)).toBe(false);
    });
  },
);
