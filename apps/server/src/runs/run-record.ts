/**
 * The observable state of a run (RunInfo, its steps, its processes) and its publication: every
 * change goes out as a fresh snapshot, so subscribers never see a later mutation.
 */
import type {
  Capabilities,
  LaunchPlan,
  Problem,
  RunInfo,
  RunStatus,
  RunStep,
  Topology,
} from '@mpqemu/shared';
import { Topic } from './feed.ts';
import type { LogLimits, ProcessHandle } from './process-handle.ts';

export interface RunSettings {
  readyTimeoutMs: number;
  stopGraceMs: number;
  /** After SIGTERM, before SIGKILL. */
  killGraceMs: number;
  logs: LogLimits;
  consoleBytes: number;
  culpritLines: number;
  setpriv: string;
  /** device_del to DEVICE_DELETED: the guest must release the device (measured 0.06 s). */
  unplugTimeoutMs: number;
}

export interface RunSpec {
  id: string;
  dir: string;
  plan: LaunchPlan;
  topologyName: string | null;
  vmName: string;
  problems: Problem[];
  /** The document the plan came from, as the user gave it (before host paths were resolved). */
  topology: Topology;
  capabilities: Capabilities;
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
      topology: spec.topology,
      spares: { total: spec.plan.spares.length, left: spec.plan.spares.length },
    };
  }

  get terminal(): boolean {
    return TERMINAL.includes(this.info.status);
  }

  /** A deep copy: subscribers must never see later mutations. */
  snapshot(): RunInfo {
    return structuredClone(this.info);
  }

  changed(): void {
    this.info.processes = [...this.handles.values()].map((h) => h.info);
    const snap = this.snapshot();
    this.updates.emit(snap);
    this.onChange(snap);
  }

  step(text: string, state: RunStep['state'] = 'active', process?: string): RunStep {
    const step: RunStep =
      process === undefined
        ? { at: Date.now(), text, state }
        : { at: Date.now(), text, state, process };
    this.info.steps.push(step);
    this.changed();
    return step;
  }

  settle(step: RunStep, state: RunStep['state'], text?: string): void {
    step.state = state;
    if (text !== undefined) step.text = text;
    this.changed();
  }
}
