import type { StatsSample } from '@mpqemu/shared';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { useTRPC } from '../api/trpc.ts';

/** About a minute at the server's one sample per second. */
export const STATS_WINDOW = 60;

export interface ProcessSeries {
  cpu: number[];
  rss: number[];
}

/**
 * CPU and memory history per process of one run, the last STATS_WINDOW samples. Mount it under a
 * component keyed by the run id so a new run starts with empty series.
 */
export function useRunStats(runId: string, enabled: boolean): Record<string, ProcessSeries> {
  const trpc = useTRPC();
  const [series, setSeries] = useState<Record<string, ProcessSeries>>({});
  useSubscription(
    trpc.runs.stats.subscriptionOptions(
      { runId },
      { enabled, onData: (sample) => setSeries((prev) => appendSample(prev, sample)) },
    ),
  );
  return series;
}

/** Adds one sample to each process's series, keeping the last STATS_WINDOW points. */
export function appendSample(
  prev: Record<string, ProcessSeries>,
  sample: StatsSample,
): Record<string, ProcessSeries> {
  const next = { ...prev };
  for (const p of sample.processes) {
    const old = prev[p.name] ?? { cpu: [], rss: [] };
    next[p.name] = {
      cpu: [...old.cpu, p.cpuPercent].slice(-STATS_WINDOW),
      rss: [...old.rss, p.rssBytes].slice(-STATS_WINDOW),
    };
  }
  return next;
}
