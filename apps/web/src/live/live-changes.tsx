import { VM_NODE_ID, type Topology } from '@mpqemu/shared';
import { useRevealNode } from '../designer/problems/problems-list.tsx';
import { useDesignerStore } from '../designer/store/context.tsx';
import { offerText } from './pending.ts';
import { useLiveOffer } from './use-live-offer.ts';
import './live.css';

/** The edited document with the running one's content, keeping where the user put things. */
function backToRunning(running: Topology, edited: Topology): Topology {
  return { ...running, layout: { ...running.layout, ...edited.layout } };
}

/**
 * Over the canvas while its VM runs: says so, and lists the edits not applied yet, each marked
 * "apply live" or "needs a VM restart" (and any warning the run was not started with), with the
 * buttons to apply the live ones or undo them all. Nothing reaches the running VM without a click
 * here or on the same offer in the canvas menu.
 */
export function LiveChanges() {
  const offer = useLiveOffer();
  const store = useDesignerStore();
  const reveal = useRevealNode();
  if (!offer) return null;
  const { run, diff, blocked, fresh } = offer;
  const live = diff.live.length;
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
            {fresh.map((w) => (
              <li key={`${w.code}/${w.path}`} data-kind="warning">
                <span className="pending-chip pending-chip--warning">warning</span>
                <span>{w.message}</span>
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
            {live > 0 && (
              <button
                type="button"
                className="live-button live-button--primary"
                data-testid="live-apply"
                disabled={blocked !== null || offer.applying}
                title={blocked ?? 'Apply these changes to the running VM'}
                onClick={() => offer.apply()}
              >
                {offer.applying ? 'Applying…' : offer.label}
              </button>
            )}
            <button
              type="button"
              className="live-button"
              data-testid="live-revert"
              disabled={offer.applying}
              title="Undo every edit the running VM does not have (one undo step)"
              onClick={() => store.getState().edit((t) => backToRunning(run.topology, t))}
            >
              Undo changes
            </button>
            {blocked !== null && (
              <span className="live-bar__note" data-testid="live-blocked">
                {live > 0 ? blocked : 'Takes effect when the VM is stopped and started again'}
              </span>
            )}
            {offer.error !== null && (
              <span className="live-error" role="alert" data-testid="live-apply-error">
                {offer.error}
              </span>
            )}
          </div>
        </>
      )}
    </div>
  );
}
