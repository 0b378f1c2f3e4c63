import type { RunStatus, RunStep } from '@mpqemu/shared';
import { useState } from 'react';
import { formatTime } from './status.ts';

const MARK: Record<RunStep['state'], string> = { active: '…', done: '✓', failed: '✗' };

/** The orchestration as it happens: each remote, the main QEMU, readiness, and the stop. */
function RunSteps({ steps }: { steps: readonly RunStep[] }) {
  if (steps.length === 0) return null;
  return (
    <ol className="run-steps" data-testid="run-steps">
      {steps.map((step, i) => (
        <li
          key={`${step.at}-${i}`}
          className={`run-step run-step--${step.state}`}
          data-testid="run-step"
          data-state={step.state}
        >
          <span className="run-step__mark" aria-hidden="true">
            {MARK[step.state]}
          </span>
          <span className="run-step__text">{step.text}</span>
          <time className="run-step__time">{formatTime(step.at)}</time>
        </li>
      ))}
    </ol>
  );
}

/**
 * The steps, open while the run starts or when it failed (that is when they matter), folded to
 * their last line otherwise so the console keeps the room. The user's toggle wins.
 */
export function RunStepsBox({ steps, status }: { steps: readonly RunStep[]; status: RunStatus }) {
  const [userOpen, setUserOpen] = useState<boolean | null>(null);
  const open = userOpen ?? (status === 'starting' || status === 'failed');
  const last = steps.at(-1);
  return (
    <section className="run-steps-box" data-testid="run-steps-box" data-open={open}>
      <button
        type="button"
        className="run-section-title run-steps-box__toggle"
        aria-expanded={open}
        onClick={() => setUserOpen(!open)}
      >
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> Steps ({steps.length})
        {!open && last && <span className="run-steps-box__last">{last.text}</span>}
      </button>
      <div hidden={!open}>
        <RunSteps steps={steps} />
      </div>
    </section>
  );
}
