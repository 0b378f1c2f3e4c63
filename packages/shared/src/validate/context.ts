import type { Capabilities } from '../capabilities.ts';
import type { Problem, Severity } from '../problems.ts';
import type { Device, Drive, RemoteProcess, Topology } from '../schema.ts';
import { escapeUnsafe } from './show.ts';

/** Lookups built once per validation so that every rule stays linear in the document size. */
export interface ValidationContext {
  topology: Topology;
  caps: Capabilities;
  deviceIndex: Map<string, { device: Device; index: number }>;
  driveIndex: Map<string, { drive: Drive; index: number }>;
  processIndex: Map<string, { process: RemoteProcess; index: number }>;
  /** Devices per remote process id. */
  devicesByProcess: Map<string, { device: Device; index: number }[]>;
  /** Drives per device id. */
  drivesByDevice: Map<string, { drive: Drive; index: number }[]>;
  report: (
    severity: Severity,
    code: string,
    message: string,
    path: string,
    nodeIds: string[],
  ) => void;
}

export function buildContext(
  topology: Topology,
  caps: Capabilities,
  out: Problem[],
): ValidationContext {
  const deviceIndex = new Map<string, { device: Device; index: number }>();
  const driveIndex = new Map<string, { drive: Drive; index: number }>();
  const processIndex = new Map<string, { process: RemoteProcess; index: number }>();
  const devicesByProcess = new Map<string, { device: Device; index: number }[]>();
  const drivesByDevice = new Map<string, { drive: Drive; index: number }[]>();
  // First occurrence wins; duplicates are reported by the id rule.
  topology.processes.forEach((process, index) => {
    if (!processIndex.has(process.id)) processIndex.set(process.id, { process, index });
  });
  topology.devices.forEach((device, index) => {
    if (!deviceIndex.has(device.id)) deviceIndex.set(device.id, { device, index });
    if (device.placement.kind === 'remote') {
      const list = devicesByProcess.get(device.placement.process) ?? [];
      list.push({ device, index });
      devicesByProcess.set(device.placement.process, list);
    }
  });
  topology.drives.forEach((drive, index) => {
    if (!driveIndex.has(drive.id)) driveIndex.set(drive.id, { drive, index });
    if (drive.attachedTo !== null) {
      const list = drivesByDevice.get(drive.attachedTo) ?? [];
      list.push({ drive, index });
      drivesByDevice.set(drive.attachedTo, list);
    }
  });
  return {
    topology,
    caps,
    deviceIndex,
    driveIndex,
    processIndex,
    devicesByProcess,
    drivesByDevice,
    // Every message passes through here: nothing in one can drive a terminal, whatever slipped in.
    report: (severity, code, message, path, nodeIds) =>
      out.push({ severity, code, message: escapeUnsafe(message), path, nodeIds }),
  };
}
