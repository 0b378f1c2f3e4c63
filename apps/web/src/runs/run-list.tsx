import { useMemo } from 'react';
import { useRuns } from './runs-provider.tsx';
import { sortRuns } from './runs-store.ts';
import { formatTime, runTone } from './status.ts';

/** Every run the server knows, newest first; the selected one is shown below. */
export function RunList() {
  const runs = useRuns((s) => s.runs);
  const selectedId = useRuns((s) => s.selectedId);
  const select = useRuns((s) => s.select);
  const sorted = useMemo(() => sortRuns(runs), [runs]);
  if (sorted.length === 0) {
    return (
      <p className="run-empty" data-testid="run-list-empty">
        No runs yet. Start the topology to launch its QEMU processes.
      </p>
    );
  }
  return (
    <ul className="run-list" data-testid="run-list" role="listbox" aria-label="Runs">
      {sorted.map((run) => (
        <li
          key={run.id}
          role="option"
          aria-selected={run.id === selectedId}
          className={run.id === selectedId ? 'run-list__item is-selected' : 'run-list__item'}
          data-testid="run-list-item"
          data-run-id={run.id}
          data-status={run.status}
          tabIndex={0}
          onClick={() => select(run.id)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') select(run.id);
          }}
        >
          <span className={`run-dot run-tone--${runTone(run.status)}`} aria-hidden="true" />
          <span className="run-list__name">{run.topologyName ?? run.vmName}</span>
          <span className="run-list__status">{run.status}</span>
          <time className="run-list__time">{formatTime(run.createdAt)}</time>
        </li>
      ))}
    </ul>
  );
}
