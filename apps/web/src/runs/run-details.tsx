import { hasScreen, type RunInfo } from '@mpqemu/shared';
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
// noVNC only once the Screen tab is opened.
const ScreenView = lazy(() => import('../screen/screen-view.tsx'));

type ConsoleTab = 'serial' | 'screen';

/** Everything about one run. Keyed by run id by its parent, so per-run state starts fresh. */
export function RunDetails({ run }: { run: RunInfo }) {
  const active = isActive(run);
  const stats = useRunStats(run.id, active);
  const [logOf, setLogOf] = useState<string | null>(null);
  const process = run.processes.find((p) => p.name === logOf);
  const hasSerial = run.processes.some((p) => p.role === 'main');
  const screen = hasScreen(run.topology);
  const [tab, setTab] = useState<ConsoleTab>('serial');
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
            {screen ? (
              <ConsoleTabs tab={tab} onTab={setTab} />
            ) : (
              <header className="run-section-title">Serial console</header>
            )}
            {/* The serial console stays mounted behind the screen: its text keeps arriving. */}
            <div hidden={tab !== 'serial'} role="tabpanel" aria-label="Serial console">
              <Suspense fallback={<div className="run-console-loading">Loading console…</div>}>
                <SerialConsole runId={run.id} interactive={active} />
              </Suspense>
            </div>
            {screen && tab === 'screen' && (
              <div role="tabpanel" aria-label="Screen">
                <Suspense fallback={<div className="run-console-loading">Loading screen…</div>}>
                  <ScreenView runId={run.id} vmName={run.vmName} interactive={active} />
                </Suspense>
              </div>
            )}
          </section>
        )}
      </div>
    </div>
  );
}

function ConsoleTabs({ tab, onTab }: { tab: ConsoleTab; onTab: (tab: ConsoleTab) => void }) {
  const tabs: [ConsoleTab, string][] = [
    ['serial', 'Serial console'],
    ['screen', 'Screen'],
  ];
  return (
    <div className="run-console-tabs" role="tablist" aria-label="Guest console">
      {tabs.map(([id, label]) => (
        <button
          key={id}
          type="button"
          role="tab"
          aria-selected={tab === id}
          className={`run-console-tab${tab === id ? ' is-on' : ''}`}
          data-testid={`console-tab-${id}`}
          onClick={() => onTab(id)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
