import { useDesigner, useDesignerStore } from '../designer/store/context.tsx';
import { applyBlocked, applyLabel, freshWarnings } from './pending.ts';
import { useApplyLive } from './use-apply-live.ts';
import { useLivePending } from './use-pending.ts';

/**
 * What the open document's edits offer its running VM, for the change bar and the canvas menu:
 * the diff, why it cannot be applied (or null), the new warnings and the apply action itself.
 * Null when the document does not run.
 */
export function useLiveOffer() {
  const pending = useLivePending();
  const store = useDesignerStore();
  const problems = useDesigner((s) => s.problems);
  const apply = useApplyLive();
  if (!pending) return null;
  const { run, diff } = pending;
  return {
    run,
    diff,
    blocked: applyBlocked(diff, problems),
    fresh: freshWarnings(run, problems),
    label: applyLabel(diff),
    applying: apply.pending,
    error: apply.error,
    /** Applies the live changes, acknowledging the warnings shown with them. */
    apply: (onError?: (message: string) => void) =>
      apply.run(
        run.id,
        store.getState().topology,
        problems.filter((p) => p.severity === 'warning').map((w) => w.code),
        onError,
      ),
  };
}
