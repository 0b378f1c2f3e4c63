import type { Problem, Topology } from '@mpqemu/shared';
import { ShowRunningButton } from '../live/show-running-button.tsx';
import { useLiveRun } from '../live/use-live-run.ts';
import { useRuns } from './runs-provider.tsx';
import { isActive } from './runs-store.ts';
import { useStartRun } from './use-start-run.ts';
import { forceStopTitle, useStopRun } from './use-stop-run.ts';
import { StartError } from './start-error.tsx';
import { WarningsDialog } from './warnings-dialog.tsx';
import './start-stop-button.css';

export interface StartStopButtonProps {
  topology: Topology;
  topologyName: string | null;
  problems: readonly Problem[];
}

/**
 * Start the open topology (after confirming its warnings), or stop the selected run; while that
 * run is stopping, Stop turns into Force stop. Several runs may be alive at once, but never two of
 * one document: while the open document runs, Start gives way to "show the running VM".
 */
export function StartStopButton({ topology, topologyName, problems }: StartStopButtonProps) {
  const flow = useStartRun({ topology, topologyName, problems });
  const { stop, force, pending: stopping, forcing } = useStopRun();
  const selected = useRuns((s) => (s.selectedId === null ? undefined : s.runs[s.selectedId]));
  const canStop = selected !== undefined && isActive(selected);
  const running = useLiveRun();
  return (
    <div className="run-controls" data-testid="run-controls">
      {running ? (
        <ShowRunningButton run={running} />
      ) : (
        <button
          type="button"
          className="run-button run-button--primary"
          data-testid="run-start"
          disabled={flow.blockedReason !== null || flow.pending}
          title={flow.blockedReason ?? 'Start this topology'}
          onClick={flow.request}
        >
          {flow.pending ? 'Starting…' : 'Start'}
        </button>
      )}
      {selected?.status === 'stopping' ? (
        // The guest may never power off (a proxied disk under TCG gets no interrupts): waiting
        // out the whole grace is the only alternative, so the choice stays in the user's hands.
        <button
          type="button"
          className="run-button run-button--danger"
          data-testid="run-force-stop"
          disabled={forcing}
          title={forceStopTitle(selected)}
          onClick={() => force(selected.id)}
        >
          {forcing ? 'Forcing…' : 'Force stop'}
        </button>
      ) : (
        <button
          type="button"
          className="run-button"
          data-testid="run-stop"
          disabled={!canStop || stopping}
          title={selected ? `Stop ${selected.vmName}` : 'No run selected'}
          onClick={() => selected && stop(selected.id)}
        >
          Stop
        </button>
      )}
      {flow.blockedReason !== null && !running && (
        <span className="run-controls__blocked" data-testid="run-start-blocked" role="note">
          {flow.blockedReason}
        </span>
      )}
      {flow.error !== null && <StartError text={flow.error} />}
      {flow.confirming && (
        <WarningsDialog warnings={flow.warnings} onConfirm={flow.confirm} onCancel={flow.cancel} />
      )}
    </div>
  );
}
