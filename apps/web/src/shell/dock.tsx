import { lazy, Suspense, useState, type PointerEvent } from 'react';
import { CommandPreview } from '../designer/preview/command-preview.tsx';
import { problemCounts, ProblemsList } from '../designer/problems/problems-list.tsx';
import { useDesigner } from '../designer/store/context.tsx';
import { useOnRunStarted } from '../runs/runs-provider.tsx';
import './dock.css';

// The run side pulls in logs and the console; it loads when its tab is first opened.
const RunPanel = lazy(() => import('../runs/run-panel.tsx').then((m) => ({ default: m.RunPanel })));

type Tab = 'problems' | 'preview' | 'run';
const MIN_H = 120;
const RUN_HEIGHT_SHARE = 0.45;

/** Bottom dock: problems, command preview and runs, resizable by its top edge. */
export function Dock() {
  const [tab, setTab] = useState<Tab>('problems');
  const [height, setHeight] = useState(250);
  // A start shows the run panel, tall enough that the guest's console is in view without
  // scrolling: seeing the guest find its devices is the point of pressing Start.
  useOnRunStarted(() => {
    setTab('run');
    setHeight((h) => Math.max(h, Math.round(window.innerHeight * RUN_HEIGHT_SHARE)));
  });
  const problems = useDesigner((s) => s.problems);
  const { errors, warnings } = problemCounts(problems);

  const startResize = (e: PointerEvent<HTMLDivElement>) => {
    const startY = e.clientY;
    const startH = height;
    const target = e.currentTarget;
    target.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) =>
      setHeight(Math.min(window.innerHeight - 200, Math.max(MIN_H, startH + startY - ev.clientY)));
    const up = () => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
  };

  const tabButton = (id: Tab, label: React.ReactNode) => (
    <button
      type="button"
      role="tab"
      aria-selected={tab === id}
      className={`dock__tab${tab === id ? ' is-on' : ''}`}
      data-testid={`dock-tab-${id}`}
      onClick={() => setTab(id)}
    >
      {label}
    </button>
  );

  return (
    <section className="dock" style={{ height }} data-testid="dock">
      <div
        className="dock__resize"
        onPointerDown={startResize}
        role="separator"
        aria-orientation="horizontal"
        aria-label="Resize panel"
      />
      <div className="dock__tabs" role="tablist">
        {tabButton(
          'problems',
          <>
            Problems
            {errors > 0 && (
              <span className="count count--error" data-testid="count-errors">
                {errors}
              </span>
            )}
            {warnings > 0 && (
              <span className="count count--warning" data-testid="count-warnings">
                {warnings}
              </span>
            )}
          </>,
        )}
        {tabButton('preview', 'Command preview')}
        {tabButton('run', 'Run')}
      </div>
      <div className="dock__body" role="tabpanel">
        {tab === 'problems' && <ProblemsList />}
        {tab === 'preview' && <CommandPreview />}
        {tab === 'run' && (
          <Suspense fallback={<div className="dock__empty">Loading…</div>}>
            <RunPanel />
          </Suspense>
        )}
      </div>
    </section>
  );
}
