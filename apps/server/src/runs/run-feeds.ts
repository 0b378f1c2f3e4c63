/**
 * The live feeds of one run (its snapshots, a process's log, the serial console, the stats), each
 * starting with what is buffered so a subscriber sees neither a gap nor a repeat.
 */
import type { LogChunk, RunInfo, StatsSample } from '@mpqemu/shared';
import type { Run } from './run.ts';
import { UnknownRun } from './types.ts';

/** The run's snapshots; a finished run's topic is closed, so this gives the last one and ends. */
export function runEvents(run: Run, signal: AbortSignal): AsyncIterable<RunInfo> {
  return run.updates.subscribe(signal, () => [run.snapshot()]);
}

/** One process's log: the ring buffer's text (and how much it dropped), then new chunks. */
export function processLogs(
  run: Run,
  process: string,
  signal: AbortSignal,
): AsyncIterable<LogChunk> {
  const handle = run.handles.get(process);
  if (!handle) throw new UnknownRun(run.spec.id, process);
  return handle.logs.subscribe(signal, (): LogChunk[] => [
    { process, text: handle.log.text(), dropped: handle.log.dropped },
  ]);
}

/** Guest serial output: the backlog (none when empty, not an empty chunk), then new output. */
export function consoleOutput(run: Run, signal: AbortSignal): AsyncIterable<string> {
  return run.console.output.subscribe(signal, () => {
    const backlog = run.console.backlog.text();
    return backlog === '' ? [] : [backlog];
  });
}

/** CPU and memory per process: the last sample, if any, then one about every second. */
export function runStats(run: Run, signal: AbortSignal): AsyncIterable<StatsSample> {
  return run.stats.samples.subscribe(signal, (): StatsSample[] =>
    run.stats.last ? [run.stats.last] : [],
  );
}
