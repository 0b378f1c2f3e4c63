import { useState } from 'react';
import {
  exportLauncherScript,
  exportTopologyJson,
  renderReadableText,
  type PlanResult,
  type Topology,
} from '@mpqemu/shared';
import { downloadText, safeFileName } from './download.ts';
import './import-export.css';

export interface ExportMenuProps {
  topology: Topology;
  /** The document's launch plan, made with the server's probed capabilities. */
  planned: PlanResult;
}

/** Export the document: topology JSON, a standalone launcher script, or the readable lines. */
export function ExportMenu({ topology, planned }: ExportMenuProps) {
  const [note, setNote] = useState<string | null>(null);
  const base = safeFileName(topology.vm.name);
  const planError = planned.ok
    ? undefined
    : `The topology has errors: ${planned.problems.find((p) => p.severity === 'error')?.message ?? ''}`;

  const copy = async () => {
    if (!planned.ok) return;
    try {
      await navigator.clipboard.writeText(renderReadableText(planned.plan));
      setNote('Command lines copied');
    } catch {
      setNote('The browser refused the clipboard');
    }
  };

  return (
    <details className="export-menu" data-testid="export-menu">
      <summary className="btn">Export</summary>
      <div className="export-menu__items" role="menu">
        <button
          type="button"
          role="menuitem"
          className="btn"
          data-testid="export-json"
          onClick={() =>
            downloadText(`${base}.json`, exportTopologyJson(topology), 'application/json')
          }
        >
          Download topology JSON
        </button>
        <button
          type="button"
          role="menuitem"
          className="btn"
          data-testid="export-script"
          disabled={!planned.ok}
          title={planError ?? 'A Node.js script that runs this topology without mpqemu studio'}
          onClick={() =>
            planned.ok &&
            downloadText(
              `${base}-launch.mjs`,
              exportLauncherScript(planned.plan, { title: topology.vm.name }),
              'text/javascript',
            )
          }
        >
          Download launcher script
        </button>
        <button
          type="button"
          role="menuitem"
          className="btn"
          data-testid="export-copy"
          disabled={!planned.ok}
          title={planError}
          onClick={() => void copy()}
        >
          Copy command lines
        </button>
        {note && (
          <span className="muted" role="status">
            {note}
          </span>
        )}
      </div>
    </details>
  );
}
