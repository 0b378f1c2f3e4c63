import { useQuery } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useTRPC } from '../api/trpc.ts';
import { createRunsStore, type RunsState, type RunsStore } from './runs-store.ts';

const RunsContext = createContext<RunsStore | null>(null);

/**
 * Keeps every run's latest snapshot in a store, from one `runs.events` subscription for the whole
 * page: browsers allow six HTTP/1.1 connections per origin and each SSE stream holds one, so
 * components must not open a stream each for the same runs.
 */
export function RunsProvider({ children, live = true }: { children: ReactNode; live?: boolean }) {
  const [store] = useState(createRunsStore);
  const trpc = useTRPC();
  const list = useQuery(trpc.runs.list.queryOptions(undefined, { enabled: live }));
  useEffect(() => {
    if (list.data) store.getState().replaceAll(list.data);
  }, [list.data, store]);
  useSubscription(
    trpc.runs.events.subscriptionOptions(
      {},
      { enabled: live, onData: (run) => store.getState().upsert(run) },
    ),
  );
  return <RunsContext value={store}>{children}</RunsContext>;
}

/** Selects from the runs store; must be under ApiProvider (which mounts RunsProvider). */
export function useRuns<T>(selector: (state: RunsState) => T): T {
  const store = useContext(RunsContext);
  if (!store) throw new Error('useRuns must be used under <ApiProvider>');
  return useStore(store, selector);
}

/** The runs store itself, for actions outside render (select the run just started). */
export function useRunsStore(): RunsStore {
  const store = useContext(RunsContext);
  if (!store) throw new Error('useRunsStore must be used under <ApiProvider>');
  return store;
}

/**
 * Calls `onStarted` each time a run is started from this page (whichever Start button) or a
 * running one is asked for ("show the running VM"), e.g. to switch the dock to the run panel.
 */
export function useOnRunStarted(onStarted: () => void): void {
  const count = useRuns((s) => s.startedCount + s.revealCount);
  const latest = useRef(onStarted);
  useEffect(() => {
    latest.current = onStarted;
  });
  useEffect(() => {
    if (count > 0) latest.current();
  }, [count]);
}
