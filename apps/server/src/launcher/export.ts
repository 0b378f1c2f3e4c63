/**
 * `mpqemu export` and the page's "Download launcher script": the launcher bundle (built from
 * launcher/main.ts and the runtime by scripts/build-server.mjs) with the plan of `topology`. Every
 * file the plan names goes through Start's host check first, so a document that `up` would refuse
 * (a drive outside the image roots, a data-directory file) is refused here too, naming the drive.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_ISOLATION,
  DEFAULT_JAIL_SUPPORT,
  jailProblems,
  passFilesByFd,
  planLaunch,
  type Capabilities,
  type IsolationMode,
  type Problem,
  type Topology,
} from '@mpqemu/shared';
import type { ImageRoots } from '../images/roots.ts';
import { SERVER_DIST_DIR } from '../repo-paths.ts';
import { preflight } from '../runs/preflight.ts';
import { launcherScript } from './embedded-plan.ts';

export interface ExportLauncherOptions {
  /** Where the script keeps the run's files; default: the planner's. */
  runDir?: string;
  title: string;
  /** What to do on a host that cannot jail (plan/jail.ts); default `required`. */
  isolation?: IsolationMode;
}

export type ExportedLauncher =
  { ok: true; script: string; warnings: Problem[] } | { ok: false; problems: Problem[] };

/** The bundled runtime; missing only when the server was never built (npm run build:server). */
async function launcherBundle(): Promise<string> {
  const path = join(SERVER_DIST_DIR, 'launcher.mjs');
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(
      `the launcher bundle ${path} is missing (${(e as NodeJS.ErrnoException).code ?? 'error'}); run npm run build:server`,
      { cause: e },
    );
  }
}

/** The launcher script for `topology`, or the problems that refuse it. */
export async function exportLauncher(
  topology: Topology,
  caps: Capabilities,
  roots: ImageRoots,
  options: ExportLauncherOptions,
): Promise<ExportedLauncher> {
  const planOptions = {
    ...(options.runDir ? { runDir: options.runDir } : {}),
    isolation: options.isolation ?? caps.isolation ?? DEFAULT_ISOLATION,
  };
  const first = planLaunch(topology, caps, planOptions);
  if (!first.ok) return { ok: false, problems: first.problems };
  // The script runs every process in the jail planned here: a host that cannot jail is refused
  // as Start would refuse it.
  const jail = jailProblems(
    caps.jail ?? DEFAULT_JAIL_SUPPORT,
    planOptions.isolation,
    topology.processes.map((p) => p.id),
  );
  const jailErrors = jail.filter((p) => p.severity === 'error');
  if (jailErrors.length > 0) return { ok: false, problems: jailErrors };
  const confinement = await roots.confinement();
  const checked = await preflight(topology, { confinement });
  // Only looking: the script opens the files itself when it runs.
  await checked.files.close();
  if (checked.errors.length > 0) return { ok: false, problems: checked.errors };
  const planned = planLaunch(checked.topology, caps, planOptions);
  if (!planned.ok) return { ok: false, problems: planned.problems };
  const script = launcherScript(await launcherBundle(), {
    title: options.title,
    readyTimeoutMs: 30_000,
    unplugTimeoutMs: 10_000,
    plan: passFilesByFd(planned.plan),
    imageRoots: confinement.roots.map((r) => r.real),
    forbidden: [confinement.dataDir],
  });
  return {
    ok: true,
    script,
    warnings: [...planned.plan.problems, ...jail, ...checked.warnings],
  };
}
