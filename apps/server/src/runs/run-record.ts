/**
 * The observable state of a run (RunInfo, its steps, its processes) and its publication: every
 * change goes out as a fresh snapshot, so subscribers never see a later mutation.
 */
import type { LaunchPlan, Problem, RunInfo, RunStatus, RunStep } from '@mpqemu/shared';
import { Topic } from './feed.ts';
import type { LogLimits, ProcessHandle } from './process-handle.ts';
import type { HeldFiles } from './preflight.ts';

export interface RunSettings {
  readyTimeoutMs: number;
  stopGraceMs: number;
  /** After SIGTERM, before SIGKILL. */
  killGraceMs: number;
  logs: LogLimits;
  consoleBytes: number;
  culpritLines: number;
  setpriv: string;
}

export interface RunSpec {
  id: string;
  dir: string;
  plan: LaunchPlan;
  /** The descriptors the preflight opened; passed to the processes at spawn, then closed. */
  files: HeldFiles;
  topologyName: string | null;
  vmName: string;
  problems: Problem[];
}

const TERMINAL: readonly RunStatus[] = ['stopped', 'failed'];

export class RunRecord {
  readonly info: RunInfo;
  readonly updates = new Topic<RunInfo>();
  readonly handles = new Map<string, ProcessHandle>();

  constructor(
    readonly spec: RunSpec,
    private readonly onChange: (info: RunInfo) => void,
  ) {
    this.info = {
      id: spec.id,
      topologyName: spec.topologyName,
      vmName: spec.vmName,
      status: 'starting',
      createdAt: Date.now(),
      endedAt: null,
      steps: [],
      processes: [],
      reason: null,
      culprit: null,
      culpritLog: [],
      problems: spec.problems,
    };
  }

  get terminal(): boolean {
    return TERMINAL.includes(this.info.status);
  }

  /** A deep copy: subscribers must never see later mutations. */
  snapshot(): RunInfo {
    return structuredClone(this.info);
  }

  protected changed(): void {
    this.info.processes = [...this.handles.values()].map((h) => h.info);
    const snap = this.snapshot();
    this.updates.emit(snap);
    this.onChange(snap);
  }

  protected step(text: string, state: RunStep['state'] = 'active'): RunStep {
    const step: RunStep = { at: Date.now(), text, state };
    this.info.steps.push(step);
    this.changed();
    return step;
  }

  protected settle(step: RunStep, state: RunStep['state'], text?: string): void {
    step.state = state;
    if (text !== undefined) step.text = text;
    this.changed();
  }
}
