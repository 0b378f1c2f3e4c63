/**
 * The baselines of bench/launch-bench.ts and bench/cli-bench.ts: the least a launcher can do with
 * the runtime's own spawner (runtime/launch.ts) and QMP client, so that a comparison measures the
 * run manager alone. Opens the plan's files, spawns every process with the same socketpairs and
 * descriptors, waits for the same readiness (greeting, qmp_capabilities, a query), then quits.
 * Usable on its own:  node --import tsx bench/bare-launch.ts <plan.json>  (`mpqemu print --json`)
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { PlannedProcess } from '@mpqemu/shared';
import { launchPlan, type SpareEnd } from '../apps/server/src/runtime/launch.ts';
import type { QemuProcess } from '../apps/server/src/runtime/qemu-process.ts';
import { openQmp, readinessQuery, type QmpClient } from '../apps/server/src/runtime/qmp.ts';
import { terminate } from '../apps/server/src/runtime/terminate.ts';

/** What `mpqemu print --json` prints, and what the planner's LaunchPlan has of it. */
export interface BarePlan {
  processes: Pick<
    PlannedProcess,
    'name' | 'role' | 'argv' | 'fds' | 'files' | 'qmpFd' | 'serialFd' | 'jail'
  >[];
  spares: number[];
}

export interface BareRun {
  processes: Map<string, QemuProcess>;
  qmp: QmpClient[];
  spares: SpareEnd[];
  stop(): Promise<void>;
}

/** Spawns `plan` through the runtime with its files opened here; output piped and dropped. */
export function bareSpawn(plan: BarePlan, output: 'pipe' | 'ignore' = 'pipe') {
  const opened = new Map<string, number>();
  for (const p of plan.processes) {
    for (const f of Object.values(p.files ?? {})) {
      const key = `${f.write ? 'w' : 'r'}:${f.path}`;
      if (!opened.has(key)) opened.set(key, openSync(f.path, f.write ? 'r+' : 'r'));
    }
  }
  const launched = launchPlan(
    {
      runDir: '',
      processes: plan.processes.map((p) => ({
        ...p,
        args: [],
        devices: [],
        restart: null,
        vnc: null,
      })),
      channels: [],
      pciSlots: {},
      problems: [],
      spares: plan.spares,
      proxyChannel: 'fd',
    },
    {
      fileFd: (path, write) => opened.get(`${write ? 'w' : 'r'}:${path}`),
      output,
    },
  );
  // The children hold them now.
  for (const fd of opened.values()) closeSync(fd);
  for (const proc of launched.processes.values()) {
    proc.stdout?.resume();
    proc.stderr?.resume();
  }
  return launched;
}

/** Starts `plan` and resolves when every process answered its query. */
export async function bareLaunch(plan: BarePlan, timeoutMs = 60_000): Promise<BareRun> {
  const { processes, spares } = bareSpawn(plan);
  const qmp = await Promise.all(
    plan.processes.map(async (p) => {
      const end = processes.get(p.name)?.ends.get(p.qmpFd);
      if (!end) throw new Error(`${p.name} has no QMP end`);
      const client = await openQmp(end, timeoutMs);
      await client.execute(readinessQuery(p.role), undefined, timeoutMs);
      return client;
    }),
  );
  return {
    processes,
    qmp,
    spares,
    async stop() {
      await qmp
        .at(-1)
        ?.execute('quit')
        .catch(() => undefined);
      await terminate([...processes.values()], 3000, 3000);
      for (const c of qmp) c.close();
      for (const s of spares) s.end.destroy();
      for (const proc of processes.values()) for (const end of proc.ends.values()) end.destroy();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2]) {
  const plan = JSON.parse(readFileSync(process.argv[2], 'utf8')) as BarePlan;
  const t0 = performance.now();
  const run = await bareLaunch(plan);
  console.log(`ready in ${(performance.now() - t0).toFixed(1)} ms`);
  await run.stop();
}
