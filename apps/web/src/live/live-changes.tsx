import { VM_NODE_ID, type Topology } from '@mpqemu/shared';
import { useRevealNode } from '../designer/problems/problems-list.tsx';
import { useDesigner, useDesignerStore } from '../designer/store/context.tsx';
import { applyLabel, offerText } from './pending.ts';
import { useApplyLive } from './use-apply-live.ts';
import { useLivePending } from './use-pending.ts';
import './live.css';

/** The edited document with the running one's content, keeping where the user put things. */
function backToRunning(running: Topology, edited: Topology): Topology {
  return { ...running, layout: { ...running.layout, ...edited.layout } };
}

/**
 * Over the canvas while its VM runs: says so, and lists the edits not applied yet, each marked
 * "apply live" or "needs a VM restart" (and any warning the run was not started with), with the
 * buttons to apply the live ones or undo them all. Nothing reaches the running VM without a click
 * here.
 */
export function LiveChanges() {
  const pending = useLivePending();
  const store = useDesignerStore();
  const problems = useDesigner((s) => s.problems);
  const reveal = useRevealNode();
  const apply = useApplyLive();
  if (!pending) return null;
  const { run, diff } = pending;
  const live = diff.live.length;
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.filter((p) => p.severity === 'warning');
  // The run's own warnings were confirmed at Start; a new one is shown here before applying.
  const confirmed = new Set(run.problems.map((p) => p.code));
  const fresh = warnings.filter((w) => !confirmed.has(w.code));
  const blocked =
    diff.restart.length > 0
      ? 'Some changes need a VM restart: undo them, or stop and start the VM'
      : errors > 0
        ? 'The edited topology has errors (see Problems)'
        : null;
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
                disabled={blocked !== null || apply.pending}
                title={blocked ?? 'Apply these changes to the running VM'}
                onClick={() =>
                  apply.run(
                    run.id,
                    store.getState().topology,
                    warnings.map((w) => w.code),
                  )
                }
              >
                {apply.pending ? 'Applying…' : applyLabel(diff)}
              </button>
            )}
            <button
              type="button"
              className="live-button"
              data-testid="live-revert"
              disabled={apply.pending}
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
            {apply.error !== null && (
              <span className="live-error" role="alert" data-testid="live-apply-error">
                {apply.error}
              </span>
            )}
          </div>
        </>
      )}
    </div>
  );
}
