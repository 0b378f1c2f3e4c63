import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import { useRunsStore } from './runs-provider.tsx';

/** Stops a run; the final snapshot also arrives through `runs.events`, this just lands sooner. */
export function useStopRun() {
  const trpc = useTRPC();
  const store = useRunsStore();
  const stop = useMutation(
    trpc.runs.stop.mutationOptions({ onSuccess: (run) => store.getState().upsert(run) }),
  );
  return {
    stop: (runId: string) => stop.mutate({ runId }),
    pending: stop.isPending,
    error: stop.error ? errorMessage(stop.error) : null,
  };
}
