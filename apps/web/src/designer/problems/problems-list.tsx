import { VM_NODE_ID, type Problem } from '@mpqemu/shared';
import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { useDesigner, useDesignerStore } from '../store/context.tsx';
import './problems.css';
import { ImportReport } from './import-report.tsx';

/** Selects a node and brings it to the middle of the canvas, keeping the zoom. */
export function useRevealNode() {
  const store = useDesignerStore();
  const flow = useReactFlow();
  return useCallback(
    (id: string) => {
      store.getState().select([id]);
      const node = flow.getInternalNode(id);
      if (!node) return;
      const { x, y } = node.internals.positionAbsolute;
      const w = node.measured.width ?? node.width ?? 0;
      const h = node.measured.height ?? node.height ?? 0;
      void flow.setCenter(x + w / 2, y + h / 2, {
        zoom: Math.max(flow.getZoom(), 0.8),
        duration: 250,
      });
    },
    [store, flow],
  );
}

/** The validator lists the node a problem is about first. */
function target(p: Problem): string {
  return p.nodeIds[0] ?? VM_NODE_ID;
}

/** Every finding of the validator; a click selects and centres the node it is about. */
export function ProblemsList() {
  const problems = useDesigner((s) => s.problems);
  const known = useDesigner((s) => s.nodes);
  const reveal = useRevealNode();
  if (problems.length === 0) {
    return (
      <>
        <ImportReport />
        <div className="dock__empty" data-testid="problems-empty">
          No problems: the topology can be launched.
        </div>
      </>
    );
  }
  const sorted = [...problems].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
  );
  const ids = new Set(known.map((n) => n.id));
  return (
    <>
      <ImportReport />
      <table className="problems" data-testid="problems-list">
        <tbody>
          {sorted.map((p, i) => {
            const id = target(p);
            return (
              <tr
                key={`${p.code}-${p.path}-${i}`}
                className={`problems__row problems__row--${p.severity}`}
                data-testid="problem-row"
                data-code={p.code}
                data-node={id}
                tabIndex={0}
                onClick={() => ids.has(id) && reveal(id)}
                onKeyDown={(e) => e.key === 'Enter' && ids.has(id) && reveal(id)}
              >
                <td className="problems__sev">{p.severity === 'error' ? '✖' : '⚠'}</td>
                <td className="problems__node mono">{id === VM_NODE_ID ? 'VM' : id}</td>
                <td className="problems__msg">{p.message}</td>
                <td className="problems__code mono muted">{p.code}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

/** `3 errors · 1 warning` for the dock tab. */
export function problemCounts(problems: readonly Problem[]) {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { errors, warnings: problems.length - errors };
}
