import type { Problem } from '@mpqemu/shared';

/** Error and warning counts of one node; the tooltip lists the messages. */
export function ProblemBadge({ id, problems }: { id: string; problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.length - errors.length;
  const severity = errors.length > 0 ? 'error' : 'warning';
  const title = problems
    .map((p) => `${p.severity === 'error' ? '✖' : '⚠'} ${p.message}`)
    .join('\n');
  return (
    <span
      className={`badge badge--${severity}`}
      data-testid={`badge-${id}`}
      data-severity={severity}
      title={title}
      aria-label={`${errors.length} errors, ${warnings} warnings`}
    >
      {errors.length > 0 && (
        <span className="badge__part badge__part--error">✖ {errors.length}</span>
      )}
      {warnings > 0 && <span className="badge__part badge__part--warning">⚠ {warnings}</span>}
    </span>
  );
}

/** The worst severity among a node's problems, for its outline colour. */
export function worst(problems: readonly Problem[]): 'error' | 'warning' | 'ok' {
  if (problems.some((p) => p.severity === 'error')) return 'error';
  return problems.length > 0 ? 'warning' : 'ok';
}
