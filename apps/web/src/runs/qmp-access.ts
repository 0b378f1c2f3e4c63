import {
  QMP_OPERATION_NAMES,
  QMP_OPERATIONS,
  type ProcessInfo,
  type QmpOperation,
  type RunStatus,
} from '@mpqemu/shared';

/** The operations a process takes: a remote process has no guest, so no VM-wide action. */
export function operationsFor(role: ProcessInfo['role']): QmpOperation[] {
  return QMP_OPERATION_NAMES.filter((op) => role === 'main' || !QMP_OPERATIONS[op].mainOnly);
}

/**
 * Why QMP cannot be used now, or null when it can. Mirrors the server's own refusal, so the
 * buttons are off instead of failing; the server still decides.
 */
export function qmpBlockedReason(
  runStatus: RunStatus,
  process: Pick<ProcessInfo, 'name' | 'status'>,
): string | null {
  if (runStatus !== 'running' && runStatus !== 'degraded') {
    return `The run is ${runStatus}; QMP needs a running VM.`;
  }
  if (process.status !== 'running') return `${process.name} is ${process.status}.`;
  return null;
}

/**
 * The remote process that emulates each proxied device, by qdev id: where the real vendor:device
 * of a device the main QEMU shows as 0000:0000 can be read.
 */
export function remoteOfDevice(processes: readonly ProcessInfo[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const p of processes) {
    if (p.role === 'remote') for (const d of p.devices) map.set(d, p.name);
  }
  return map;
}
