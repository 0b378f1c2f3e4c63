import type { CheckOutcome, DoctorResult } from '@mpqemu/shared';

function Outcome({ value }: { value: CheckOutcome }) {
  return <span className={`doctor__outcome doctor__outcome--${value}`}>{value}</span>;
}

/** One row per model and machine; the evidence (sysfs lines, QEMU's words, times) unfolds. */
export function DoctorResults({ results }: { results: readonly DoctorResult[] }) {
  return (
    <table className="doctor__table" data-testid="doctor-results">
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Machine</th>
          <th scope="col">Guest sees it</th>
          <th scope="col">Hot-plug</th>
          <th scope="col">Restart</th>
          <th scope="col">I/O</th>
          <th scope="col">Time</th>
        </tr>
      </thead>
      {results.map((r) => (
        <tbody key={`${r.model}/${r.machine}`} data-testid={`doctor-row-${r.model}-${r.machine}`}>
          <tr>
            <th scope="row" className="mono">
              {r.model}
            </th>
            <td>{r.machine}</td>
            <td>
              {r.enumerated ? (
                <span className="doctor__outcome doctor__outcome--ok mono">{r.pciId}</span>
              ) : (
                <span className="doctor__outcome doctor__outcome--failed">no</span>
              )}
            </td>
            <td>
              <Outcome value={r.hotplug} />
            </td>
            <td>
              <Outcome value={r.restart} />
            </td>
            <td>
              <Outcome value={r.io} />
            </td>
            <td className="mono">{(r.ms / 1000).toFixed(1)} s</td>
          </tr>
          <tr>
            <td colSpan={7}>
              <details className="doctor__evidence">
                <summary>Evidence</summary>
                <ul className="mono">
                  {r.evidence.map((line, i) => (
                    <li key={i}>{line}</li>
                  ))}
                </ul>
              </details>
            </td>
          </tr>
        </tbody>
      ))}
    </table>
  );
}
