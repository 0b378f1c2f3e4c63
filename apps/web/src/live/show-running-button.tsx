import type { RunInfo } from '@mpqemu/shared';
import { useRunsStore } from '../runs/runs-provider.tsx';

/**
 * Stands in for Start while the open document already runs: a second VM of the same document
 * would fight the first for its disk images' write locks, and the user most likely wants the one
 * that runs.
 */
export function ShowRunningButton({ run }: { run: RunInfo }) {
  const runs = useRunsStore();
  return (
    <button
      type="button"
      className="run-button run-button--primary"
      data-testid="run-show-running"
      data-run-id={run.id}
      title={`${run.vmName} is ${run.status}: show its processes and console`}
      onClick={() => runs.getState().reveal(run.id)}
    >
      Show the running VM
    </button>
  );
}
