import { renderReadable, renderReadableText } from '@mpqemu/shared';
import { useMemo, useState } from 'react';
import { useRevealNode } from '../problems/problems-list.tsx';
import { useDesigner } from '../store/context.tsx';
import { CopyButton } from './copy-button.tsx';
import './preview.css';
import './command-preview.css';

/**
 * What would be started: the orchestrator's steps and one command line per process, from the
 * same `planLaunch` the server launches with (the store makes it once per document change). The
 * exact argv (JSON for -device/-object/-blockdev) is one toggle away.
 */
export function CommandPreview() {
  const result = useDesigner((s) => s.plan);
  const [argv, setArgv] = useState(false);
  const reveal = useRevealNode();
  const readable = useMemo(() => (result.ok ? renderReadable(result.plan) : null), [result]);
  if (!result.ok) {
    const errors = result.problems.filter((p) => p.severity === 'error');
    return (
      <div className="preview preview--blocked" data-testid="preview-errors">
        <p className="preview__blocked-title">
          {errors.length} error{errors.length === 1 ? '' : 's'} block the launch plan. Fix them to
          see the command lines.
        </p>
        <ul className="preview__errors">
          {errors.map((p, i) => (
            <li key={i}>
              <button
                type="button"
                className="link"
                onClick={() => p.nodeIds[0] !== undefined && reveal(p.nodeIds[0])}
              >
                ✖ {p.message}
              </button>
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const { plan } = result;
  return (
    <div className="preview" data-testid="preview">
      <div className="preview__side">
        <div className="preview__bar">
          <label className="check">
            <input
              type="checkbox"
              data-testid="preview-argv-toggle"
              checked={argv}
              onChange={(e) => setArgv(e.target.checked)}
            />
            <span>Show exact launch argv (JSON)</span>
          </label>
          <CopyButton testId="copy-all" label="Copy all" text={renderReadableText(plan)} />
        </div>
        <ol className="preview__steps" data-testid="preview-steps">
          {readable?.steps.map((s, i) => (
            <li key={i}>{s}</li>
          ))}
        </ol>
        {plan.problems.length > 0 && (
          <ul className="preview__warnings">
            {plan.problems.map((p, i) => (
              <li key={i}>⚠ {p.message}</li>
            ))}
          </ul>
        )}
      </div>
      <div className="preview__cmds">
        {readable?.commands.map((c, i) => {
          const proc = plan.processes[i];
          const text = argv && proc ? JSON.stringify(proc.argv, null, 2) : c.line;
          return (
            <section
              key={c.name}
              className={`preview__cmd preview__cmd--${c.role}`}
              data-testid={`preview-cmd-${c.name}`}
            >
              <header className="preview__cmd-head">
                <span className={`chip chip--role-${c.role}`}>
                  {c.role === 'main' ? 'main' : 'remote'}
                </span>
                <span className="preview__cmd-title">{c.title}</span>
                <CopyButton testId={`copy-${c.name}`} text={text} />
              </header>
              <pre className="preview__line mono" data-testid={`preview-line-${c.name}`}>
                {text}
              </pre>
            </section>
          );
        })}
      </div>
    </div>
  );
}
