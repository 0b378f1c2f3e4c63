import type { Problem, Topology } from '@mpqemu/shared';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorDetails, errorMessage } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import { useDesignerStore } from '../designer/store/context.tsx';
import { hostCheckKey } from '../designer/store/store.ts';
import { useRunsStore } from './runs-provider.tsx';

export interface StartRunArgs {
  topology: Topology;
  topologyName: string | null;
  problems: readonly Problem[];
}

/**
 * The start flow: errors block it, warnings are confirmed in a dialog and then sent as
 * `acknowledged`, and the new run becomes the selected one so its steps show at once.
 */
export function useStartRun({ topology, topologyName, problems }: StartRunArgs) {
  const trpc = useTRPC();
  const store = useRunsStore();
  const designer = useDesignerStore();
  const [confirming, setConfirming] = useState(false);
  // Warnings only the server saw (it checks the host: image files, the probed QEMU).
  const [serverWarnings, setServerWarnings] = useState<Problem[]>([]);
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = [...problems.filter((p) => p.severity === 'warning'), ...serverWarnings];
  const start = useMutation(
    trpc.runs.start.mutationOptions({
      onSuccess: (run) => {
        setServerWarnings([]);
        store.getState().started(run);
      },
      onError: (error) => {
        const refused = errorDetails(error).problems;
        // The host's findings belong on the nodes, like those of the live host check (the same
        // check): the problems list then holds each in full, once.
        const host = refused.filter(
          (p) => p.code.startsWith('host.') || p.code.startsWith('image.'),
        );
        if (host.length > 0) designer.getState().setHostProblems(hostCheckKey(topology), host);
        const known = new Set(warnings.map((w) => w.code));
        const unseen = refused.filter((p) => p.severity === 'warning' && !known.has(p.code));
        if (
          refused.length > 0 &&
          refused.every((p) => p.severity === 'warning') &&
          unseen.length > 0
        ) {
          setServerWarnings((prev) => [...prev, ...unseen]);
          setConfirming(true);
        }
      },
    }),
  );
  const launch = () => {
    setConfirming(false);
    start.mutate({
      topology,
      ...(topologyName === null ? {} : { topologyName }),
      acknowledged: [...new Set(warnings.map((w) => w.code))],
    });
  };
  // A failure is about the document it was made for: an edit or another document clears it.
  const { reset } = start;
  useEffect(() => reset(), [topology, reset]);
  const refusal = start.error ? errorDetails(start.error).problems : [];
  return {
    errors,
    warnings,
    blockedReason: errors.length > 0 ? blockedText(errors) : null,
    confirming,
    pending: start.isPending,
    error: start.error && !confirming ? refusedText(errorMessage(start.error), refusal) : null,
    /** Opens the warnings dialog when there are warnings, else starts. */
    request: () => {
      start.reset();
      if (warnings.length > 0) setConfirming(true);
      else launch();
    },
    confirm: launch,
    cancel: () => setConfirming(false),
  };
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** Short on purpose: each error is in the problems list and on its node, in full. */
function blockedText(errors: readonly Problem[]): string {
  return `Cannot start: ${count(errors.length, 'error')}, see Problems`;
}

function refusedText(message: string, problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return `Not started: ${message}`;
  return `Not started: ${errors.map((p) => p.message).join('\n')}`;
}
