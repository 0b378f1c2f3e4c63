/**
 * `mpqemu doctor` as a feed: one check per (model, machine), each reported as it ends, then the
 * whole report. The CLI prints it, the server streams it to the UI; both store it per binary.
 */
import {
  DEVICE_MODEL_NAMES,
  hasDeviceModel,
  type Capabilities,
  type DoctorReport,
  type DoctorResult,
} from '@mpqemu/shared';
import { checkModel } from './check-model.ts';
import type { DoctorGuest } from './guest.ts';

export const DOCTOR_MACHINES = ['pc', 'q35'] as const;
export type DoctorMachine = (typeof DOCTOR_MACHINES)[number];
/** Per check; a hanging model (nvme) ends here. Boot under TCG on a loaded host takes ~3-10 s. */
export const DEFAULT_CHECK_TIMEOUT_MS = 90_000;

export interface DoctorOptions {
  /** The probed binary: its path, version, devices and KVM state. */
  caps: Capabilities;
  guest: DoctorGuest;
  models: readonly string[];
  machines: readonly DoctorMachine[];
  timeoutMs: number;
  signal?: AbortSignal;
}

export type DoctorEvent =
  | { type: 'check'; model: string; machine: DoctorMachine; index: number; total: number }
  | { type: 'result'; result: DoctorResult; index: number; total: number }
  | { type: 'done'; report: DoctorReport };

/** Models the caller named that are not in the catalogue, for a usage error. */
export function unknownModels(models: readonly string[]): string[] {
  return models.filter((m) => !DEVICE_MODEL_NAMES.includes(m));
}

/** Runs every check in turn (one VM at a time: the host is someone's workstation). */
export async function* runDoctor(options: DoctorOptions): AsyncGenerator<DoctorEvent> {
  const { caps } = options;
  const kvmUsable = caps.accels.kvm.usable;
  const pairs = options.machines.flatMap((machine) =>
    options.models.map((model) => ({ model, machine })),
  );
  const results: DoctorResult[] = [];
  for (const [index, { model, machine }] of pairs.entries()) {
    options.signal?.throwIfAborted();
    const total = pairs.length;
    yield { type: 'check', model, machine, index, total };
    const result = hasDeviceModel(caps, model)
      ? await checkModel(model, machine, {
          caps,
          guest: options.guest,
          kvmUsable,
          timeoutMs: options.timeoutMs,
          ...(options.signal ? { signal: options.signal } : {}),
        })
      : notBuiltIn(model, machine, caps);
    results.push(result);
    yield { type: 'result', result, index, total };
  }
  yield {
    type: 'done',
    report: { qemu: { binary: caps.binary, version: caps.version }, kvmUsable, results },
  };
}

function notBuiltIn(model: string, machine: string, caps: Capabilities): DoctorResult {
  return {
    model,
    machine,
    enumerated: false,
    pciId: null,
    hotplug: 'skipped',
    restart: 'skipped',
    io: 'skipped',
    evidence: [`${caps.binary} -device help does not list ${model}`],
    ms: 0,
  };
}
