/**
 * The edits made to a running VM's document, as the shared `diffLive` sees them, and what each
 * canvas node has pending. Computed once per (running, edited) pair: every node asks.
 */
import { diffLive, type LiveDiff, type Problem, type RunInfo, type Topology } from '@mpqemu/shared';

export type Pending = 'live' | 'restart';

interface Cached {
  running: Topology;
  sparesLeft: number;
  diff: LiveDiff;
  nodes: Map<string, Pending>;
}

const cache = new WeakMap<Topology, Cached>();

/** What applying `edited` to the run would take: live changes and reasons to restart the VM. */
export function pendingOf(run: RunInfo, edited: Topology): Cached {
  const hit = cache.get(edited);
  if (hit && hit.running === run.topology && hit.sparesLeft === run.spares.left) return hit;
  const diff = diffLive(run.topology, edited, { sparesLeft: run.spares.left });
  const entry = {
    running: run.topology,
    sparesLeft: run.spares.left,
    diff,
    nodes: pendingNodes(diff),
  };
  cache.set(edited, entry);
  return entry;
}

/** Node id → its pending change; a node that needs a VM restart shows that over "live". */
export function pendingNodes(diff: LiveDiff): Map<string, Pending> {
  const nodes = new Map<string, Pending>();
  for (const change of diff.live) {
    if ('device' in change) nodes.set(change.device, 'live');
    if (change.kind === 'add-process') nodes.set(change.process, 'live');
  }
  for (const need of diff.restart) for (const id of need.nodeIds) nodes.set(id, 'restart');
  return nodes;
}

function onlyPlug(diff: LiveDiff) {
  const plugs = diff.live.filter((c) => 'device' in c);
  return plugs.length === 1 && diff.restart.length === 0 ? plugs[0] : undefined;
}

/**
 * The question the change bar asks: one device plugged or unplugged is named, anything else is
 * counted.
 */
export function offerText(diff: LiveDiff): string {
  const only = onlyPlug(diff);
  if (only?.kind === 'add-device') return `Hot-add ${only.device} to the running VM?`;
  if (only?.kind === 'remove-device') return `Hot-remove ${only.device} from the running VM?`;
  const n = diff.live.length + diff.restart.length;
  return `${n} change${n === 1 ? '' : 's'} to the running VM`;
}

/** The apply button's words: what the click does to the guest. */
export function applyLabel(diff: LiveDiff): string {
  const only = onlyPlug(diff);
  if (only?.kind === 'add-device') return 'Hot-add';
  if (only?.kind === 'remove-device') return 'Hot-remove';
  return diff.live.length === 1 ? 'Apply live' : `Apply ${diff.live.length} live`;
}

/** The canvas menu's apply item: the one device it plugs or unplugs, else the live changes. */
export function applyMenuText(diff: LiveDiff): string {
  const only = onlyPlug(diff);
  if (only) return offerText(diff).replace(/\?$/, '');
  const n = diff.live.length;
  return `Apply ${n} live change${n === 1 ? '' : 's'}`;
}

/**
 * Why the live changes cannot be applied as they are, or null: one that needs a VM restart, or
 * an error in the edited document (the server would refuse it as it refuses a start).
 */
export function applyBlocked(diff: LiveDiff, problems: readonly Problem[]): string | null {
  if (diff.restart.length > 0)
    return 'Some changes need a VM restart: undo them, or stop and start the VM';
  if (problems.some((p) => p.severity === 'error'))
    return 'The edited topology has errors (see Problems)';
  return null;
}

/** The edited document's warnings the run was not started with: shown before applying. */
export function freshWarnings(run: Pick<RunInfo, 'problems'>, problems: readonly Problem[]) {
  const confirmed = new Set(run.problems.map((p) => p.code));
  return problems.filter((p) => p.severity === 'warning' && !confirmed.has(p.code));
}
