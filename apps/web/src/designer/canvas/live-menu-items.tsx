/**
 * The canvas menus' actions on the running VM when the canvas shows it: restart a remote process,
 * what a delete does there, apply the pending live changes, the run panel, stop. Each goes through
 * the hook the rest of the UI uses (restart button, change bar, Stop), never a second path.
 */
import type { ReactNode } from 'react';
import { deleteLive } from '../../live/delete-live.ts';
import { applyMenuText } from '../../live/pending.ts';
import { restartBlocked } from '../../live/restart-state.ts';
import { useLiveOffer } from '../../live/use-live-offer.ts';
import { useRestartProcess } from '../../live/use-restart-process.ts';
import { useRunsStore } from '../../runs/runs-provider.tsx';
import { useStopRun } from '../../runs/use-stop-run.ts';
import { useDesigner, useDesignerStore } from '../store/context.tsx';
import { Item, Label, Separator } from './context-menu-parts.tsx';

/**
 * The live actions' state, held by the always-mounted menu root: a menu's items unmount when it
 * closes, and a refusal that arrives after that must still be shown (as a notice).
 */
export function useLiveMenu() {
  const offer = useLiveOffer();
  const restart = useRestartProcess();
  const stop = useStopRun();
  const runs = useRunsStore();
  const store = useDesignerStore();
  if (!offer) return null;
  return {
    offer,
    run: offer.run,
    restart,
    stop,
    reveal: () => runs.getState().reveal(offer.run.id),
    fail: (message: string) => store.getState().notify(message, 'error'),
  };
}

export type LiveMenu = NonNullable<ReturnType<typeof useLiveMenu>>;

/** "Restart process rpN" with its live state, or why it cannot be restarted now. */
export function RestartItem({ live, process }: { live: LiveMenu; process: string }) {
  const { run, restart } = live;
  const info = run.processes.find((p) => p.name === process);
  const blocked = restartBlocked(run, info, restart.inFlight(run.id, process));
  const state = info ? `${info.status} · pid ${info.pid ?? '–'} · ↻ ${info.restarts}` : null;
  return (
    <Item
      testId="ctx-restart"
      process={process}
      disabled={blocked !== null}
      note={blocked ?? state}
      title={
        blocked === null
          ? `Replace ${process} with a new process; the VM keeps running`
          : `Cannot restart ${process} now: ${blocked}`
      }
      onSelect={() => restart.restart({ runId: run.id, process }, live.fail)}
    >
      Restart process {process}
    </Item>
  );
}

/** Delete, saying what it does to the running VM: nothing until applied from the change bar. */
export function DeleteItem({
  live,
  id,
  onSelect,
}: {
  live: LiveMenu | null;
  id: string;
  onSelect: () => void;
}) {
  const topology = useDesigner((s) => s.topology);
  const effect = live ? deleteLive(live.run, topology, [id]) : null;
  let note: string | null = null;
  let title: string | undefined;
  if (effect && effect.kind !== 'none') {
    note =
      effect.kind === 'restart'
        ? 'needs a VM restart'
        : effect.change === 'remove-device'
          ? 'then Hot-remove'
          : 'then apply live';
    title = `On the running VM: ${effect.text}. Nothing reaches it until you apply the change from the bar above the canvas.`;
  }
  return (
    <Item testId="ctx-delete" note={note} kbd="Del" title={title} onSelect={onSelect}>
      Delete
    </Item>
  );
}

/** Why the pending live changes cannot be applied from the menu now, or null. */
function applyBlockedNote(offer: LiveMenu['offer']): string | null {
  if (offer.applying) return 'applying…';
  if (offer.diff.live.length === 0) return 'needs a VM restart';
  return offer.blocked;
}

/** On the pane and the VM: the run's own actions. */
export function RunItems({ live }: { live: LiveMenu }): ReactNode {
  const { run, offer } = live;
  const why = applyBlockedNote(offer);
  // Warnings the run was not started with: listed in the bar, counted and named here, and
  // acknowledged by the click as by the bar's button.
  const fresh = offer.fresh.length;
  const warned =
    fresh === 0
      ? null
      : `with ${fresh} new warning${fresh === 1 ? '' : 's'} (see the bar above the canvas)`;
  const stopping = run.status === 'stopping';
  return (
    <>
      <Label>
        The running VM ({run.vmName}, {run.status})
      </Label>
      {!offer.diff.same && (
        <Item
          testId="ctx-apply-live"
          disabled={why !== null}
          note={why ?? warned}
          title={
            why ??
            [
              'Apply the changes listed above the canvas to the running VM',
              ...offer.fresh.map((w) => `Warning: ${w.message}`),
            ].join('\n')
          }
          onSelect={() => offer.apply(live.fail)}
        >
          {applyMenuText(offer.diff)}
        </Item>
      )}
      <Item testId="ctx-show-run" onSelect={live.reveal}>
        Show processes and logs
      </Item>
      <Item
        testId="ctx-stop"
        disabled={stopping}
        note={stopping ? 'already stopping' : null}
        onSelect={() => live.stop.stop(run.id, live.fail)}
      >
        Stop the VM
      </Item>
      <Separator />
    </>
  );
}
