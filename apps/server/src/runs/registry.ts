/**
 * The runs one launcher knows: the live ones and the last finished ones (kept for their logs and
 * outcome), the feed of every run's snapshots, and which host files the live runs hold.
 */
import { rm } from 'node:fs/promises';
import type { RunInfo } from '@mpqemu/shared';
import { Topic } from './feed.ts';
import type { Run } from './run.ts';
import { UnknownRun } from './types.ts';

export class RunRegistry {
  private readonly runs = new Map<string, Run>();
  private readonly all = new Topic<RunInfo>();

  /** `keepFinished`: finished runs kept (their run directories too); older ones are forgotten. */
  constructor(private readonly keepFinished: number) {}

  /** Passes a run's snapshot to every subscriber of feed(); the Run's `onChange`. */
  readonly publish = (info: RunInfo): void => {
    this.all.emit(info);
  };

  /** Registers a run before it launches, so that its first snapshot already has readers. */
  add(run: Run): void {
    this.runs.set(run.spec.id, run);
    void run.whenEnded().then(() => this.forgetOld());
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** The run `runId`; throws UnknownRun when it never existed or was forgotten. */
  lookup(runId: string): Run {
    const run = this.runs.get(runId);
    if (!run) throw new UnknownRun(runId);
    return run;
  }

  get(runId: string): RunInfo | undefined {
    return this.runs.get(runId)?.snapshot();
  }

  /** A snapshot of every run, oldest first. */
  list(): RunInfo[] {
    return [...this.runs.values()].map((r) => r.snapshot());
  }

  /** Every run's current snapshot, then each change of any run, until `signal` or close(). */
  feed(signal: AbortSignal): AsyncIterable<RunInfo> {
    return this.all.subscribe(signal, () => this.list());
  }

  /** Real path → the live runs holding it (each image, kernel and initrd QEMU was given). */
  filesInUse(): Map<string, string[]> {
    const used = new Map<string, string[]>();
    for (const run of this.runs.values()) {
      if (run.terminal) continue;
      for (const process of run.spec.plan.processes) {
        for (const file of Object.values(process.files ?? {})) {
          const ids = used.get(file.path) ?? [];
          if (!ids.includes(run.spec.id)) ids.push(run.spec.id);
          used.set(file.path, ids);
        }
      }
    }
    return used;
  }

  /**
   * The live run (other than `ownRun`) holding `real`, for people: `run 3fa2… (lab)`; null when
   * none. `ownRun` is the run being edited, whose own images are not "in use by another run".
   */
  inUse(real: string, ownRun?: string): string | null {
    const id = this.filesInUse()
      .get(real)
      ?.find((r) => r !== ownRun);
    if (id === undefined) return null;
    const name = this.runs.get(id)?.spec.topologyName;
    return `run ${id}${name === null || name === undefined ? '' : ` (${name})`}`;
  }

  /** Stops every run, then ends the feed; on server shutdown. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.stop()));
    this.all.close();
  }

  /** Drops the oldest finished runs beyond `keepFinished`, and their run directories. */
  private async forgetOld(): Promise<void> {
    const finished = [...this.runs.values()].filter((r) => r.terminal);
    for (const run of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) {
      this.runs.delete(run.spec.id);
      await rm(run.spec.dir, { recursive: true, force: true });
    }
  }
}
