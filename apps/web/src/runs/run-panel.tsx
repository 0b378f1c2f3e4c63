/*
 * The running side of the designer. It needs `<ApiProvider>` (from '../api') around the app,
 * which also follows the server's runs; Start/Stop live in the top bar (StartStopButton), since
 * only one Start button may be on the page (the e2e tests look it up by test id).
 * What e2e/run.spec.ts and bench/web-bench.ts expect from the shell (please keep or tell me):
 *   - `/?topology=NAME` opens that stored topology on load;
 *   - canvas nodes keep the document ids as React Flow ids (`.react-flow__node[data-id=...]`);
 */
import { RunDetails } from './run-details.tsx';
import { RunList } from './run-list.tsx';
import { useRuns } from './runs-provider.tsx';
import './run-panel.css';

/** The runs, and the processes, logs and console of the selected one. */
export function RunPanel() {
  const run = useRuns((s) => (s.selectedId === null ? undefined : s.runs[s.selectedId]));
  return (
    <section className="run-panel" data-testid="run-panel" aria-label="Runs">
      <div className="run-panel__body">
        <RunList />
        {run && <RunDetails key={run.id} run={run} />}
      </div>
    </section>
  );
}
