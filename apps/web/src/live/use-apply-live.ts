import type { Topology } from '@mpqemu/shared';
import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import { useRunsStore } from '../runs/runs-provider.tsx';

/**
 * Sends the edited document to its running VM (runs.applyLive); the server checks it as it checks
 * a start, recomputes the diff and applies it. `acknowledged`: the warning codes the user saw.
 */
export function useApplyLive() {
  const trpc = useTRPC();
  const runs = useRunsStore();
  const apply = useMutation(
    trpc.runs.applyLive.mutationOptions({ onSuccess: (run) => runs.getState().upsert(run) }),
  );
  return {
    run: (runId: string, topology: Topology, acknowledged: readonly string[]) =>
      apply.mutate({ runId, topology, acknowledged: [...acknowledged] }),
    pending: apply.isPending,
    error: apply.error ? errorMessage(apply.error) : null,
  };
}
