import type { ProcessInfo } from '@mpqemu/shared';
import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import { useRunsStore } from '../runs/runs-provider.tsx';
import './live.css';

/**
 * Replaces one remote process while the VM keeps running (runs.restartProcess: its proxy is
 * unplugged, a new process started and plugged into the same slot). The run's steps show each
 * stage; a refusal (the guest never released the device, no spare channel left) shows here.
 */
export function RestartButton({
  runId,
  process,
  testId,
}: {
  runId: string;
  process: Pick<ProcessInfo, 'name' | 'role' | 'status'>;
  testId: string;
}) {
  const trpc = useTRPC();
  const runs = useRunsStore();
  const restart = useMutation(
    trpc.runs.restartProcess.mutationOptions({ onSuccess: (run) => runs.getState().upsert(run) }),
  );
  if (process.role !== 'remote') return null;
  const busy =
    restart.isPending || process.status === 'restarting' || process.status === 'starting';
  const error = restart.error ? errorMessage(restart.error) : null;
  return (
    <>
      <button
        type="button"
        className="live-button"
        data-testid={testId}
        data-process={process.name}
        disabled={busy}
        title={`Replace ${process.name} with a new process; the VM keeps running`}
        onClick={(e) => {
          // The process row opens its log on a click; a restart is not that.
          e.stopPropagation();
          restart.mutate({ runId, process: process.name });
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
