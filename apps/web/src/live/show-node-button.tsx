import { useRevealNode } from '../designer/problems/problems-list.tsx';
import { useDesigner } from '../designer/store/context.tsx';
import './live.css';

/**
 * Selects a node of the open document and brings it into view, e.g. the remote process a
 * degraded run's banner names. Renders nothing when the canvas shows another document.
 */
export function ShowNodeButton({ id, label }: { id: string; label: string }) {
  const onCanvas = useDesigner((s) => s.nodes.some((n) => n.id === id));
  const reveal = useRevealNode();
  if (!onCanvas) return null;
  return (
    <button
      type="button"
      className="live-button live-button--inline"
      data-testid="show-node"
      data-node={id}
      onClick={() => reveal(id)}
    >
      {label}
    </button>
  );
}
