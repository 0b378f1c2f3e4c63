import type { RunInfo } from '@mpqemu/shared';
import { useMemo } from 'react';
import { useDesigner } from '../designer/store/context.tsx';
import { useRuns } from '../runs/runs-provider.tsx';
import { liveRunOf, nodeLiveStates, type NodeLive } from './live-run.ts';
import { useNow } from './use-now.ts';

/** The running VM of the open document, or null when it does not run. */
export function useLiveRun(): RunInfo | null {
  const name = useDesigner((s) => s.name);
  const vmName = useDesigner((s) => s.topology.vm.name);
  return useRuns((s) => liveRunOf(s.runs, { name, vmName }));
}

/** What one canvas node is in the running VM, or null when the VM does not run it. */
export function useNodeLive(id: string): NodeLive | null {
  const run = useLiveRun();
  const now = useNow(run !== null);
  return useMemo(() => (run ? (nodeLiveStates(run, now).get(id) ?? null) : null), [run, id, now]);
}
