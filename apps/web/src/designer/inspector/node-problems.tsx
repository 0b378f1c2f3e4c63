import type { Problem } from '@mpqemu/shared';

/** The selected node's problems, at the top of the inspector where the fix is made. */
export function NodeProblems({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="insp-problems" data-testid="inspector-problems">
      {problems.map((p, i) => (
        <li key={`${p.code}-${i}`} className={`insp-problem insp-problem--${p.severity}`}>
          <span className="insp-problem__icon">{p.severity === 'error' ? '✖' : '⚠'}</span>
          <span>{p.message}</span>
        </li>
      ))}
    </ul>
  );
}
