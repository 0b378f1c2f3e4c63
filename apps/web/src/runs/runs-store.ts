import { TERMINAL_RUN_STATES, type RunInfo } from '@mpqemu/shared';
import { createStore } from 'zustand/vanilla';

/**
 * What the page knows about the server's runs: the latest snapshot of each and the one the user
 * looks at. Runtime state only; it never touches the topology document or its undo history.
 */
export interface RunsState {
  runs: Record<string, RunInfo>;
  selectedId: string | null;
  /** Set once the first list or snapshot arrived, so the UI can tell "no runs" from "loading". */
  loaded: boolean;
  /** Counts the runs started from this page, so the shell can reveal the run panel on a start. */
  startedCount: number;
  /** Counts the requests to show a run that was already running ("show the running VM"). */
  revealCount: number;
  started: (run: RunInfo) => void;
  /** Selects a run and asks the shell to show it. */
  reveal: (id: string) => void;
  upsert: (run: RunInfo) => void;
  replaceAll: (runs: readonly RunInfo[]) => void;
  select: (id: string | null) => void;
}

export type RunsStore = ReturnType<typeof createRunsStore>;

/** Creates the store; one per RunsProvider, so tests and previews get their own. */
export function createRunsStore() {
  return createStore<RunsState>()((set) => ({
    runs: {},
    selectedId: null,
    loaded: false,
    startedCount: 0,
    revealCount: 0,
    started: (run) =>
      set((s) => ({
        runs: { ...s.runs, [run.id]: run },
        loaded: true,
        selectedId: run.id,
        startedCount: s.startedCount + 1,
      })),
    upsert: (run) =>
      set((s) => ({
        runs: { ...s.runs, [run.id]: run },
        loaded: true,
        selectedId: s.selectedId ?? run.id,
      })),
    replaceAll: (runs) =>
      set((s) => {
        const next = { ...s.runs };
        for (const run of runs) next[run.id] = run;
        return { runs: next, loaded: true, selectedId: s.selectedId ?? pickDefault(runs) };
      }),
    select: (id) => set({ selectedId: id }),
    reveal: (id) => set((s) => ({ selectedId: id, revealCount: s.revealCount + 1 })),
  }));
}

/** Newest first: the run just started is the one the user wants on top. */
export function sortRuns(runs: Record<string, RunInfo>): RunInfo[] {
  return Object.values(runs).sort((a, b) => b.createdAt - a.createdAt);
}

export function isActive(run: RunInfo): boolean {
  return !TERMINAL_RUN_STATES.includes(run.status);
}

function pickDefault(runs: readonly RunInfo[]): string | null {
  const sorted = [...runs].sort((a, b) => b.createdAt - a.createdAt);
  return (sorted.find(isActive) ?? sorted[0])?.id ?? null;
}
