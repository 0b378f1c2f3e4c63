import { VM_NODE_ID, type Topology } from '@mpqemu/shared';
import { useRevealNode } from '../designer/problems/problems-list.tsx';
import { useDesignerStore } from '../designer/store/context.tsx';
import { offerText } from './pending.ts';
import { useLivePending } from './use-pending.ts';
import './live.css';

/** The edited document with the running one's content, keeping where the user put things. */
function backToRunning(running: Topology, edited: Topology): Topology {
  return { ...running, layout: { ...running.layout, ...edited.layout } };
}

/**
 * Over the canvas while its VM runs: says so, and lists the edits not applied yet, each marked
 * "apply live" or "needs a VM restart", with a button to undo them all.
 * Nothing reaches the running VM without a click here.
 */
export function LiveChanges() {
  const pending = useLivePending();
  const store = useDesignerStore();
  const reveal = useRevealNode();
  if (!pending) return null;
  const { run, diff } = pending;
  return (
    <div className="live-bar" data-testid="live-bar" data-same={diff.same}>
      <div className="live-bar__head">
        <span className="live-bar__pill" title={`Run ${run.id}`}>
          <span className="live-line__dot" aria-hidden="true" /> live
        </span>
        <span className="live-bar__title" data-testid="live-bar-title">
          {diff.same ? `${run.vmName} is ${run.status}: this canvas shows it` : offerText(diff)}
        </span>
      </div>
      {!diff.same && (
        <>
          <ul className="live-bar__list" data-testid="live-changes">
            {diff.live.map((c) => (
              <li key={`${c.kind}/${'device' in c ? c.device : c.process}`} data-kind={c.kind}>
                <span className="pending-chip pending-chip--live">apply live</span>
                <span>{c.text}</span>
              </li>
            ))}
            {diff.restart.map((need) => (
              <li key={`${need.path}/${need.text}`} data-kind="restart">
                <span className="pending-chip pending-chip--restart">needs a VM restart</span>
                <button
                  type="button"
                  className="live-bar__link"
                  onClick={() => reveal(need.nodeIds[0] ?? VM_NODE_ID)}
                >
                  {need.text}
                </button>
              </li>
            ))}
          </ul>
          <div className="live-bar__actions">
            <button
              type="button"
              className="live-button"
              data-testid="live-revert"
              title="Undo every edit the running VM does not have (one undo step)"
              onClick={() => store.getState().edit((t) => backToRunning(run.topology, t))}
            >
              Undo changes
            </button>
          </div>
        </>
      )}
    </div>
  );
}
