/**
 * The one-device documents doctor launches, planned by the same planner as every run: one remote
 * process emulating the model under test, nothing else.
 */
import {
  deviceModel,
  passFilesByFd,
  planLaunch,
  TOPOLOGY_VERSION,
  TopologySchema,
  type Capabilities,
  type PlannedProcess,
  type Topology,
  type TopologyInput,
} from '@mpqemu/shared';
import type { DoctorGuest } from './guest.ts';

export interface Instance {
  processId: string;
  deviceId: string;
  /** A raw image for the models that need one; one per instance so no two QEMUs share a lock. */
  disk: string;
  slot?: number;
}

type DeviceInput = TopologyInput['devices'][number];

function device(model: string, instance: Instance): DeviceInput {
  const base = {
    id: instance.deviceId,
    placement: { kind: 'remote', process: instance.processId },
    ...(instance.slot === undefined ? {} : { slot: instance.slot }),
  } as const;
  const family = deviceModel(model)?.family;
  switch (family) {
    case 'storage':
      return { ...base, family, model: model as 'lsi53c895a' };
    case 'block':
      return { ...base, family, model: model as 'nvme', serial: 'mpqemu-doctor' };
    case 'net':
      return {
        ...base,
        family,
        model: model as 'e1000e',
        backend: { type: 'user', hostForwards: [] },
      };
    case 'display':
      return { ...base, family, model: model as 'VGA' };
    case 'other':
      return { ...base, family, model: model as 'pci-testdev' };
    default:
      throw new Error(`${model} is not a catalogue device model`);
  }
}

/** A schema-checked document with `model` alone in one remote process. */
export function doctorTopology(
  model: string,
  machine: 'pc' | 'q35',
  accel: 'tcg' | 'kvm',
  guest: DoctorGuest,
  instance: Instance,
): Topology {
  const needsDisk = deviceModel(model)?.accepts?.bus === 'drive-slot';
  return TopologySchema.parse({
    version: TOPOLOGY_VERSION,
    vm: {
      name: `doctor-${model}`,
      // Doctor keeps its own spare ends (processes.ts), so the plan reserves none.
      spareChannels: 0,
      machine,
      accel,
      cpus: 1,
      memoryMiB: 256,
      boot: { kind: 'kernel', kernel: guest.kernel, initrd: guest.initrd, append: guest.append },
      serial: true,
    },
    processes: [{ id: instance.processId }],
    devices: [device(model, instance)],
    drives: needsDisk
      ? [
          {
            id: `${instance.deviceId}-disk`,
            model: 'disk-image',
            image: { path: instance.disk, format: 'raw', readOnly: false },
            attachedTo: instance.deviceId,
          },
        ]
      : [],
  } satisfies TopologyInput);
}

/** The facts doctor is there to measure: the catalogue must not stop it from trying. */
const MEASURING = ['proxy.unsupported', 'proxy.untested'];

/** Plans `topology` and returns its main and remote processes, or the planner's errors. */
export function planDoctor(
  topology: Topology,
  caps: Capabilities,
  runDir: string,
): { main: PlannedProcess; remote: PlannedProcess } | { errors: string[] } {
  const planned = planLaunch(topology, caps, { runDir, measuring: MEASURING });
  if (!planned.ok) {
    return {
      errors: planned.problems.filter((p) => p.severity === 'error').map((p) => p.message),
    };
  }
  // Every file as a descriptor: a jailed QEMU has no path to the guest or the scratch disks.
  const { processes } = passFilesByFd(planned.plan);
  const main = processes.find((p) => p.role === 'main');
  const remote = processes.find((p) => p.role === 'remote');
  if (!main || !remote) return { errors: ['the plan has no main or no remote process'] };
  return { main, remote };
}
