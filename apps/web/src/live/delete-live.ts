/**
 * What deleting canvas nodes would do to the running VM, before the user deletes them: the same
 * `diffLive` the change bar shows afterwards, so the menu and the bar cannot disagree.
 */
import { diffLive, type LiveChange, type RunInfo, type Topology } from '@mpqemu/shared';
import { removeItems } from '../designer/doc/remove.ts';

export type DeleteLive =
  /** Applies live (a hot-remove): the change bar offers it after the delete. */
  | { kind: 'live'; change: LiveChange['kind']; text: string }
  /** Takes effect only when the VM is stopped and started again. */
  | { kind: 'restart'; text: string }
  /** The running VM never had it (an edit not applied yet), or nothing QEMU sees changes. */
  | { kind: 'none' };

/** What deleting `ids` from `edited` adds to the changes pending against `run`. */
export function deleteLive(
  run: Pick<RunInfo, 'topology' | 'spares'>,
  edited: Topology,
  ids: readonly string[],
): DeleteLive {
  const options = { sparesLeft: run.spares.left };
  const before = diffLive(run.topology, edited, options);
  const after = diffLive(run.topology, removeItems(edited, ids), options);
  const known = new Set(before.restart.map((n) => `${n.path}\n${n.text}`));
  const need = after.restart.find((n) => !known.has(`${n.path}\n${n.text}`));
  if (need) return { kind: 'restart', text: need.text };
  const had = new Set(before.live.map((c) => c.text));
  const change = after.live.find((c) => !had.has(c.text));
  return change ? { kind: 'live', change: change.kind, text: change.text } : { kind: 'none' };
}
