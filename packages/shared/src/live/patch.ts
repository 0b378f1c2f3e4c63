/**
 * Steps of a live change applied to the running document one at a time, so that it always says
 * what the VM runs, also when a later step of the same change fails.
 */
import type { Topology } from '../schema.ts';

/** `running` without device `id` and the drives attached to it. */
export function withoutDevice(running: Topology, id: string): Topology {
  return {
    ...running,
    devices: running.devices.filter((d) => d.id !== id),
    drives: running.drives.filter((d) => d.attachedTo !== id),
  };
}

/** `running` with device `id`, its drives and its remote process as `edited` has them. */
export function withDeviceFrom(running: Topology, edited: Topology, id: string): Topology {
  const base = withoutDevice(running, id);
  const device = edited.devices.find((d) => d.id === id);
  if (!device) return base;
  const process = device.placement.kind === 'remote' ? device.placement.process : null;
  const rp = edited.processes.find((p) => p.id === process);
  const hasProcess = base.processes.some((p) => p.id === process);
  return {
    ...base,
    processes: rp && !hasProcess ? [...base.processes, rp] : base.processes,
    devices: [...base.devices, device],
    drives: [...base.drives, ...edited.drives.filter((d) => d.attachedTo === id)],
  };
}
