import type { RunInfo } from '@mpqemu/shared';
import { lazy, Suspense, useState } from 'react';
import { ProcessLog } from './process-log.tsx';
import { ProcessTable } from './process-table.tsx';
import { QmpPanel } from './qmp-panel.tsx';
import { RunBanner } from './run-banner.tsx';
import { RunStepsBox } from './run-steps.tsx';
import { isActive } from './runs-store.ts';
import { runTone } from './status.ts';
import { useRunStats } from './use-run-stats.ts';
import { powerDownNote } from './use-stop-run.ts';
import './run-details.css';

// xterm is ~300 KB; only a page that shows a run pays for it.
const SerialConsole = lazy(() => import('../console/serial-console.tsx'));

/** Everything about one run. Keyed by run id by its parent, so per-run state starts fresh. */
export function RunDetails({ run }: { run: RunInfo }) {
  const active = isActive(run);
  const stats = useRunStats(run.id, active);
  const [logOf, setLogOf] = useState<string | null>(null);
  const process = run.processes.find((p) => p.name === logOf);
  const hasSerial = run.processes.some((p) => p.role === 'main');
  const powerDown = powerDownNote(run);
  return (
    <div
      className="run-details"
      data-testid="run-details"
      data-run-id={run.id}
      data-status={run.status}
    >
      <header className="run-details__head">
        <span className={`run-chip run-tone--${runTone(run.status)}`} data-testid="run-status">
          {run.status}
        </span>
        <span className="run-details__name">{run.topologyName ?? run.vmName}</span>
        {run.reason !== null && run.status === 'stopped' && (
          <span className="run-details__reason">{run.reason}</span>
        )}
        {powerDown !== null && (
          <span className="run-details__reason" data-testid="run-power-down" role="status">
            {powerDown}
          </span>
        )}
      </header>
      <RunBanner run={run} />
      <div className="run-details__cols">
        <div className="run-details__main">
          <ProcessTable
            activeRun={active ? run : null}
            processes={run.processes}
            stats={stats}
            selected={logOf}
            onSelect={(name) => setLogOf((cur) => (cur === name ? null : name))}
          />
          {process && (
            <ProcessLog
              key={`${run.id}/${process.name}`}
              runId={run.id}
              process={process.name}
              droppedAtStart={process.logDropped}
            />
          )}
          {process && (
            <QmpPanel key={`qmp/${run.id}/${process.name}`} run={run} process={process} />
          )}
          <RunStepsBox steps={run.steps} status={run.status} />
        </div>
        {hasSerial && (
          <section className="run-console-box">
            <header className="run-section-title">Serial console</header>
            <Suspense fallback={<div className="run-console-loading">Loading console…</div>}>
              <SerialConsole runId={run.id} interactive={active} />
            </Suspense>
          </section>
        )}
      </div>
    </div>
  );
}
