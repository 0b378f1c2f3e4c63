import type { ProcessInfo, RunInfo } from '@mpqemu/shared';
import { restartBlocked } from './restart-state.ts';
import { useRestartProcess } from './use-restart-process.ts';
import './live.css';

/**
 * Replaces one remote process while the VM keeps running (runs.restartProcess: its proxy is
 * unplugged, a new process started and plugged into the same slot). The run's steps show each
 * stage; a refusal (the guest never released the device, no spare channel left) shows here.
 */
export function RestartButton({
  run,
  process,
  testId,
}: {
  run: Pick<RunInfo, 'id' | 'status' | 'spares'>;
  process: Pick<ProcessInfo, 'name' | 'role' | 'status'>;
  testId: string;
}) {
  const { restart, inFlight, error } = useRestartProcess();
  if (process.role !== 'remote') return null;
  const sent = inFlight(run.id, process.name);
  const blocked = restartBlocked(run, process, sent);
  const busy = sent || process.status === 'restarting' || process.status === 'starting';
  return (
    <>
      <button
        type="button"
        className="live-button"
        data-testid={testId}
        data-process={process.name}
        disabled={blocked !== null}
        title={blocked ?? `Replace ${process.name} with a new process; the VM keeps running`}
        onClick={(e) => {
          // The process row opens its log on a click; a restart is not that.
          e.stopPropagation();
          restart({ runId: run.id, process: process.name });
        }}
      >
        {busy ? 'Restarting…' : 'Restart'}
      </button>
      {error !== null && (
        <span className="live-error" role="alert" data-testid={`${testId}-error`} title={error}>
          {error}
        </span>
      )}
    </>
  );
}
