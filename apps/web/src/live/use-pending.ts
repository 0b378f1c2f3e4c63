import { useDesigner } from '../designer/store/context.tsx';
import { pendingOf, type Pending } from './pending.ts';
import { useLiveRun } from './use-live-run.ts';

/** The open document's difference from its running VM, or null when it does not run. */
export function useLivePending() {
  const run = useLiveRun();
  const topology = useDesigner((s) => s.topology);
  return run ? { run, ...pendingOf(run, topology) } : null;
}

/** Whether one node has an edit waiting to be applied live, or one that needs a VM restart. */
export function useNodePending(id: string): Pending | null {
  return useLivePending()?.nodes.get(id) ?? null;
}
