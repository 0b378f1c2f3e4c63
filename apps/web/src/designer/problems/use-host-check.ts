import { useEffect } from 'react';
import { useTRPCClient } from '../../api/index.ts';
import { useLiveRun } from '../../live/use-live-run.ts';
import { useRuns } from '../../runs/runs-provider.tsx';
import { isActive } from '../../runs/runs-store.ts';
import { useDesigner, useDesignerStore } from '../store/context.tsx';
import { hostCheckKey } from '../store/store.ts';

/** Quiet time after the last edit of a path before the server looks at the files again. */
const DEBOUNCE_MS = 400;

/**
 * Runs Start's host check (topologies.hostCheck: files exist, readable, writable, of their
 * format, not in use) while the user edits, so a missing image is on its drive node before Start.
 * Again when a run starts or ends: that changes which images are in use.
 */
export function useHostCheck(): void {
  const client = useTRPCClient();
  const store = useDesignerStore();
  const key = useDesigner((s) => hostCheckKey(s.topology));
  const activeRuns = useRuns((s) =>
    Object.values(s.runs)
      .filter(isActive)
      .map((r) => r.id)
      .join(' '),
  );
  // Editing the running VM: its own images are not "in use by another run".
  const ownRun = useLiveRun()?.id;
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      const topology = store.getState().topology;
      client.topologies.hostCheck
        .mutate(ownRun === undefined ? { topology } : { topology, ownRun })
        .then((problems) => {
          if (!cancelled) store.getState().setHostProblems(key, problems);
        })
        .catch(() => {
          // Server unreachable or the document invalid: the validator's problems still stand,
          // and Start re-runs the same check anyway.
        });
    }, DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, store, key, activeRuns, ownRun]);
}
