/*
 * For web-designer — how to mount the running side:
 *   - Wrap the app once in `<ApiProvider>` (from '../api'); it also follows the server's runs.
 *   - `<StartStopButton topology={doc} topologyName={name} problems={problems} />` in the top bar.
 *   - `<RunPanel topology={doc} topologyName={name} problems={problems} controls={false} />` in a
 *     bottom or side panel (it scrolls inside itself; give it a height). Leave `controls` at its
 *     default (true) if the top bar has no StartStopButton: only one Start button may be on the
 *     page, the e2e tests look it up by test id.
 *   `problems` is the shared validator's output for the open document (errors block Start,
 *   warnings are confirmed in a dialog).
 * What e2e/run.spec.ts and bench/web-bench.ts expect from the shell (please keep or tell me):
 *   - `/?topology=NAME` opens that stored topology on load;
 *   - canvas nodes keep the document ids as React Flow ids (`.react-flow__node[data-id=...]`);
 *   - optional: `performance.mark('mpqemu:nodes-painted')` once the first nodes are painted.
 */
import type { Problem, Topology } from '@mpqemu/shared';
import { RunDetails } from './run-details.tsx';
import { RunList } from './run-list.tsx';
import { useRuns } from './runs-provider.tsx';
import { StartStopButton } from './start-stop-button.tsx';
import './run-panel.css';

export { StartStopButton } from './start-stop-button.tsx';

export interface RunPanelProps {
  topology: Topology;
  topologyName: string | null;
  problems: Problem[];
  /** Show Start/Stop in the panel's header (false when the top bar has a StartStopButton). */
  controls?: boolean;
}

/** The running side of the designer: the runs, and the processes, logs and console of one. */
export function RunPanel({ topology, topologyName, problems, controls = true }: RunPanelProps) {
  const run = useRuns((s) => (s.selectedId === null ? undefined : s.runs[s.selectedId]));
  return (
    <section className="run-panel" data-testid="run-panel" aria-label="Runs">
      {controls && (
        <header className="run-panel__head">
          <h2 className="run-panel__title">Runs</h2>
          <StartStopButton topology={topology} topologyName={topologyName} problems={problems} />
        </header>
      )}
      <div className="run-panel__body">
        <RunList />
        {run && <RunDetails key={run.id} run={run} />}
      </div>
    </section>
  );
}
