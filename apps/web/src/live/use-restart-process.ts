import { useMutation, useMutationState } from '@tanstack/react-query';
import { errorMessage } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import { useRunsStore } from '../runs/runs-provider.tsx';

interface RestartInput {
  runId: string;
  process: string;
}

/**
 * runs.restartProcess for the buttons and menus that offer it. `inFlight` sees the restarts sent
 * from any of them (the query cache is the page's), so a second one is not sent while the first
 * waits for its snapshot.
 */
export function useRestartProcess() {
  const trpc = useTRPC();
  const runs = useRunsStore();
  const restart = useMutation(
    trpc.runs.restartProcess.mutationOptions({ onSuccess: (run) => runs.getState().upsert(run) }),
  );
  const sent = useMutationState({
    filters: { mutationKey: trpc.runs.restartProcess.mutationKey(), status: 'pending' },
    select: (m) => m.state.variables as RestartInput | undefined,
  });
  return {
    restart: (input: RestartInput, onError?: (message: string) => void) =>
      restart.mutate(input, { onError: (e) => onError?.(errorMessage(e)) }),
    inFlight: (runId: string, process: string) =>
      sent.some((v) => v?.runId === runId && v.process === process),
    error: restart.error ? errorMessage(restart.error) : null,
  };
}
