import type { Topology } from '@mpqemu/shared';
import { useIsMutating, useMutation } from '@tanstack/react-query';
import { errorMessage } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import { useRunsStore } from '../runs/runs-provider.tsx';

/**
 * Sends the edited document to its running VM (runs.applyLive); the server checks it as it checks
 * a start, recomputes the diff and applies it. `acknowledged`: the warning codes the user saw.
 * `pending` covers an apply sent from any place on the page (the change bar or a menu).
 */
export function useApplyLive() {
  const trpc = useTRPC();
  const runs = useRunsStore();
  const apply = useMutation(
    trpc.runs.applyLive.mutationOptions({ onSuccess: (run) => runs.getState().upsert(run) }),
  );
  const sending = useIsMutating({ mutationKey: trpc.runs.applyLive.mutationKey() });
  return {
    run: (
      runId: string,
      topology: Topology,
      acknowledged: readonly string[],
      onError?: (message: string) => void,
    ) =>
      apply.mutate(
        { runId, topology, acknowledged: [...acknowledged] },
        { onError: (e) => onError?.(errorMessage(e)) },
      ),
    pending: sending > 0,
    error: apply.error ? errorMessage(apply.error) : null,
  };
}
