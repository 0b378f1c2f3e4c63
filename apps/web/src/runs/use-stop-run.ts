import type { RunInfo } from '@mpqemu/shared';
import { useMutation } from '@tanstack/react-query';
import { errorMessage } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import { useRunsStore } from './runs-provider.tsx';

/**
 * Stops a run; the final snapshot also arrives through `runs.events`, this just lands sooner.
 * `force` is its own mutation: the normal stop stays pending while the guest powers off, and
 * the force request must go out beside it (the server escalates that same stop).
 */
export function useStopRun() {
  const trpc = useTRPC();
  const store = useRunsStore();
  const options = trpc.runs.stop.mutationOptions({
    onSuccess: (run) => store.getState().upsert(run),
  });
  const stop = useMutation(options);
  const force = useMutation(options);
  const failed = stop.error ?? force.error;
  return {
    stop: (runId: string, onError?: (message: string) => void) =>
      stop.mutate({ runId }, { onError: (e) => onError?.(errorMessage(e)) }),
    force: (runId: string) => force.mutate({ runId, force: true }),
    pending: stop.isPending,
    forcing: force.isPending,
    error: failed ? errorMessage(failed) : null,
  };
}

/** What a stopping run is waiting for, in words; null when it is not waiting for the guest. */
export function powerDownNote(run: RunInfo): string | null {
  if (run.status !== 'stopping' || !run.powerDown) return null;
  const seconds = Math.round(run.powerDown.graceMs / 1000);
  return `Asked the guest to power off; waiting up to ${seconds} s before quitting QEMU`;
}

/** The Force stop button's tooltip: what the user trades for not waiting. */
export function forceStopTitle(run: RunInfo): string {
  const consequence = 'like pulling the plug: unsaved guest data is lost.';
  if (!run.powerDown) return `Force stop quits the remaining processes now, ${consequence}`;
  const seconds = Math.round(run.powerDown.graceMs / 1000);
  return `The guest is given up to ${seconds} s to power off. Force stop quits QEMU now, ${consequence}`;
}
