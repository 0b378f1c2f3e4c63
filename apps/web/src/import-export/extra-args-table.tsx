import type { ExtraArg, SourceSpan } from '@mpqemu/shared';

/** The arguments the import left out, per process, each linked to its place in the text. */
export function ExtraArgsTable({
  extraArgs,
  onSelect,
}: {
  extraArgs: readonly ExtraArg[];
  onSelect: (span: SourceSpan) => void;
}) {
  return (
    <>
      <h3 className="modal__section">Extra arguments (not imported, never launched)</h3>
      <table className="import__extras" data-testid="import-extras">
        <thead>
          <tr>
            <th>Process</th>
            <th>Arguments</th>
            <th>Why</th>
          </tr>
        </thead>
        <tbody>
          {extraArgs.map((e, i) => (
            <tr key={i}>
              <td className="mono">{e.process}</td>
              <td>
                <button
                  type="button"
                  className="import__word mono"
                  onClick={() => onSelect(e.word.span)}
                >
                  {e.words.join(' ')}
                </button>
              </td>
              <td className="muted">{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
