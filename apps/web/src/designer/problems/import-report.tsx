import { useDesigner, useDesignerStore } from '../store/context.tsx';
import './import-report.css';

const MARK = { error: '✖', warning: '⚠', info: 'ℹ' } as const;

/**
 * What the importer read differently from the pasted text (a corrected option name, a dropped
 * fd number, a guessed format) and what it left out: above the problems, until dismissed or
 * another document is opened, so nothing it changed goes unnoticed.
 */
export function ImportReport() {
  const report = useDesigner((s) => s.importReport);
  const store = useDesignerStore();
  if (!report) return null;
  const count = report.issues.length;
  return (
    <details className="import-report" data-testid="import-report" open>
      <summary className="import-report__summary">
        Import report: {count} note{count === 1 ? '' : 's'}
        {report.extraArgs.length > 0 && `, ${report.extraArgs.length} argument(s) left out`}
      </summary>
      {/* Outside the summary: a button inside it would be a control inside a control. */}
      <button
        type="button"
        className="btn btn--small import-report__dismiss"
        data-testid="import-report-dismiss"
        onClick={() => store.setState({ importReport: null })}
      >
        Dismiss
      </button>
      <ul className="import-report__list">
        {report.issues.map((issue, i) => (
          <li
            key={i}
            className={`import-report__item import-report__item--${issue.severity}`}
            data-testid="import-report-item"
            data-severity={issue.severity}
          >
            <span aria-hidden="true">{MARK[issue.severity]}</span>
            {issue.span && (
              <span className="mono muted">
                {issue.span.line}:{issue.span.column}
              </span>
            )}
            <span>{issue.message}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
