/**
 * Checks of an edited document before any of it touches a running VM: the same rules as a start
 * (schema, validator, acknowledged warnings, host checks of the new devices' images), then the
 * server's own diff, which must be all live. Nothing is changed when any of it refuses.
 */
import {
  diffLive,
  passFilesByFd,
  planLaunch,
  validate,
  type LiveDiff,
  type PlannedProcess,
  type Problem,
  type Topology,
} from '@mpqemu/shared';
import { preflight, unconfirmedHostWarnings, type PreflightOptions } from './preflight.ts';
import type { Run } from './run.ts';
import { LiveRefused, type StartOptions } from './types.ts';

export interface PreparedLive {
  diff: LiveDiff;
  /** The remote process of each device to plug, by device id, with host paths resolved. */
  planned: Map<string, PlannedProcess>;
}

function summarize(problems: readonly Problem[]): string {
  const first = problems[0]?.message ?? '';
  return problems.length === 1 ? first : `${first} (and ${problems.length - 1} more)`;
}

/** Validates `edited` against run `run` and plans what to plug; throws LiveRefused. */
/** The places (uids) the run's processes hold, so that a new one gets a uid of its own. */
function liveOrdinals(run: Run): Record<string, number> {
  const base = run.spec.capabilities.jail?.uidBase ?? 0;
  const ordinals: Record<string, number> = {};
  for (const [name, handle] of run.handles) {
    const id = handle.plan.jail.hostId;
    if (id !== null) ordinals[name] = id - base;
  }
  return ordinals;
}

export async function prepareLive(
  run: Run,
  edited: Topology,
  options: StartOptions,
  host: PreflightOptions,
): Promise<PreparedLive> {
  const caps = run.spec.capabilities;
  const problems = validate(edited, caps);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw new LiveRefused(`the edited topology has errors: ${summarize(errors)}`, errors);
  }
  const acknowledged = new Set(options.acknowledged ?? []);
  const unconfirmed = problems.filter((p) => p.severity === 'warning' && !acknowledged.has(p.code));
  if (unconfirmed.length > 0) {
    const codes = [...new Set(unconfirmed.map((p) => p.code))].join(', ');
    throw new LiveRefused(
      `confirm these warnings before applying (${codes}): ${summarize(unconfirmed)}`,
      unconfirmed,
    );
  }
  const diff = diffLive(run.info.topology, edited, { sparesLeft: run.sparesLeft() });
  if (diff.restart.length > 0) {
    const needs = diff.restart.map((r): Problem => ({
      severity: 'error',
      code: 'live.needs-restart',
      message: r.text,
      path: r.path,
      nodeIds: r.nodeIds,
    }));
    throw new LiveRefused(
      `not applied: ${diff.restart.length === 1 ? 'this change needs' : 'these changes need'} a VM restart: ${diff.restart.map((r) => r.text).join('; ')}`,
      needs,
    );
  }
  const plugged = new Set(
    diff.live.flatMap((c) =>
      c.kind === 'add-device' || c.kind === 'replace-device' ? [c.device] : [],
    ),
  );
  const planned = new Map<string, PlannedProcess>();
  if (plugged.size === 0) return { diff, planned };

  // Only the new devices are checked and planned: the rest runs already, its files open.
  const devices = edited.devices.filter((d) => plugged.has(d.id));
  const processIds = new Set(
    devices.flatMap((d) => (d.placement.kind === 'remote' ? [d.placement.process] : [])),
  );
  const part: Topology = {
    ...edited,
    vm: { ...edited.vm, boot: { kind: 'none' } },
    processes: edited.processes.filter((p) => processIds.has(p.id)),
    devices,
    drives: edited.drives.filter((d) => d.attachedTo !== null && plugged.has(d.attachedTo)),
  };
  const checked = await preflight(part, host);
  // The part's drives are a subset: name each problem's drive by its index in the edited document.
  const inEdited = (problems: Problem[]): Problem[] =>
    problems.map((p) => ({
      ...p,
      path: p.path.replace(/^drives\[(\d+)\]/, (whole, i: string) => {
        const at = edited.drives.indexOf(part.drives[Number(i)] as (typeof edited.drives)[number]);
        return at < 0 ? whole : `drives[${at}]`;
      }),
    }));
  if (checked.errors.length > 0) {
    const errors = inEdited(checked.errors);
    throw new LiveRefused(`host check failed: ${summarize(errors)}`, errors);
  }
  const unconfirmedHost = inEdited(
    unconfirmedHostWarnings(checked.warnings, options.acknowledged ?? []),
  );
  if (unconfirmedHost.length > 0) {
    await checked.files.close();
    const codes = [...new Set(unconfirmedHost.map((p) => p.code))].join(', ');
    throw new LiveRefused(
      `confirm these warnings before applying (${codes}): ${summarize(unconfirmedHost)}`,
      unconfirmedHost,
    );
  }
  const result = planLaunch(checked.topology, caps, {
    runDir: run.spec.dir,
    isolation: run.spec.isolation,
    ordinals: liveOrdinals(run),
  });
  if (!result.ok) {
    await checked.files.close();
    throw new LiveRefused(`the new devices cannot be planned: ${summarize(result.problems)}`);
  }
  // The new remotes get their images as descriptors, like at launch; the run holds them from now
  // on, so that a later restart of those remotes can pass them again.
  run.holdFiles(checked.files);
  for (const process of passFilesByFd(result.plan).processes) {
    const device = process.devices[0];
    if (process.role === 'remote' && device !== undefined) planned.set(device, process);
  }
  return { diff, planned };
}
