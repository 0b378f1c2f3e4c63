import {
  describeBudget,
  describeProcessState,
  type ProcessInfo,
  type RunInfo,
} from '@mpqemu/shared';
import { processBudget } from '../live/live-run.ts';
import { useNow } from '../live/use-now.ts';
import { RestartButton } from '../live/restart-button.tsx';
import { Sparkline } from './sparkline.tsx';
import { exitText, formatBytes, processTone } from './status.ts';
import type { ProcessSeries } from './use-run-stats.ts';

export interface ProcessTableProps {
  /** The run while it is active (its remote processes can be restarted), else null. */
  activeRun: RunInfo | null;
  processes: readonly ProcessInfo[];
  stats: Record<string, ProcessSeries>;
  selected: string | null;
  onSelect: (name: string) => void;
}

/** One row per QEMU process of the run; a click opens its log. */
export function ProcessTable({
  activeRun,
  processes,
  stats,
  selected,
  onSelect,
}: ProcessTableProps) {
  const now = useNow(activeRun !== null);
  const budgetOf = (p: ProcessInfo) => (activeRun ? processBudget(activeRun, p, now) : null);
  return (
    <table className="run-processes" data-testid="run-processes">
      <thead>
        <tr>
          <th scope="col">Process</th>
          <th scope="col">State</th>
          <th scope="col">PID</th>
          <th scope="col">CPU</th>
          <th scope="col">Memory</th>
        </tr>
      </thead>
      <tbody>
        {processes.map((p) => {
          const series = stats[p.name];
          // A dead process keeps its history but has no current figures.
          const alive = p.status === 'running' || p.status === 'starting';
          const cpu = alive ? series?.cpu.at(-1) : undefined;
          const rss = alive ? series?.rss.at(-1) : undefined;
          return (
            <tr
              key={p.name}
              className={p.name === selected ? 'is-selected' : undefined}
              data-testid="run-process"
              data-process={p.name}
              data-status={p.status}
              onClick={() => onSelect(p.name)}
            >
              <th scope="row">
                {/* The row handles the click; the button makes it reachable by keyboard. */}
                <button type="button" className="run-link" aria-expanded={p.name === selected}>
                  {p.name}
                </button>
                <span className="run-process__devices">
                  {p.role === 'main' ? 'main QEMU' : 'remote'}
                  {p.devices.length > 0 && ` · ${p.devices.join(', ')}`}
                  {p.restarts > 0 && ` · restarted ${p.restarts}×`}
                </span>
                {p.role === 'remote' && activeRun !== null && (
                  <span className="run-process__budget" data-testid="run-process-budget">
                    {describeBudget(processBudget(activeRun, p, now))}
                  </span>
                )}
                {p.error !== null && <span className="run-process__error">{p.error}</span>}
                {p.notRestarted !== null && (
                  <span className="run-process__error" data-testid="run-process-not-restarted">
                    not restarted: {p.notRestarted}
                  </span>
                )}
                {activeRun !== null && (
                  <RestartButton run={activeRun} process={p} testId="run-process-restart" />
                )}
              </th>
              <td>
                <span
                  className={`run-chip run-tone--${processTone(p.status)}`}
                  data-testid="run-process-state"
                >
                  {p.status === 'restarting' ? describeProcessState(p, budgetOf(p)) : p.status}
                </span>
                {/* Under the state, not a column of its own: the table must fit beside the console. */}
                <span className="run-process__exit" data-testid="run-process-exit">
                  {exitText(p)}
                </span>
              </td>
              <td data-testid="run-process-pid">{p.pid ?? '–'}</td>
              <td>
                <Sparkline values={series?.cpu ?? []} max={100} label={`CPU of ${p.name}`} />
                <span className="run-metric">{cpu === undefined ? '' : `${cpu.toFixed(0)}%`}</span>
              </td>
              <td>
                <Sparkline values={series?.rss ?? []} label={`Memory of ${p.name}`} />
                <span className="run-metric">{rss === undefined ? '' : formatBytes(rss)}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
