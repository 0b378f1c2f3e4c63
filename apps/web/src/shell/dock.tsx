import { lazy, Suspense, useState, type PointerEvent } from 'react';
import { CommandPreview } from '../designer/preview/command-preview.tsx';
import { problemCounts, ProblemsList } from '../designer/problems/problems-list.tsx';
import { useDesigner } from '../designer/store/context.tsx';
import { useOnRunStarted } from '../runs/runs-provider.tsx';
import './dock.css';

// The run side pulls in logs and the console; it loads when its tab is first opened.
const RunPanel = lazy(() => import('../runs/run-panel.tsx').then((m) => ({ default: m.RunPanel })));

type Tab = 'problems' | 'preview' | 'run';
const TABS: Tab[] = ['problems', 'preview', 'run'];
const KEY_STEP = 40;
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

  const clamp = (h: number) => Math.min(window.innerHeight - 200, Math.max(MIN_H, h));
  // Tabs as the ARIA pattern has them: arrows move between tabs, only the current one tabs in.
  const onTabKey = (e: React.KeyboardEvent) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = TABS[(TABS.indexOf(tab) + step + TABS.length) % TABS.length] ?? 'problems';
    setTab(next);
    document.getElementById(`dock-tab-${next}`)?.focus();
  };

  const tabButton = (id: Tab, label: React.ReactNode) => (
    <button
      type="button"
      role="tab"
      id={`dock-tab-${id}`}
      aria-controls="dock-panel"
      tabIndex={tab === id ? 0 : -1}
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
        aria-valuenow={height}
        aria-valuemin={MIN_H}
        aria-valuemax={Math.max(MIN_H, window.innerHeight - 200)}
        tabIndex={0}
        title="Drag, or focus and use the arrow keys, to resize"
        onKeyDown={(e) => {
          if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
          e.preventDefault();
          setHeight((h) => clamp(h + (e.key === 'ArrowUp' ? KEY_STEP : -KEY_STEP)));
        }}
      />
      <div className="dock__tabs" role="tablist" aria-label="Panels" onKeyDown={onTabKey}>
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
      <div
        className="dock__body"
        role="tabpanel"
        id="dock-panel"
        aria-labelledby={`dock-tab-${tab}`}
      >
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
