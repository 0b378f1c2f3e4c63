/**
 * The QMP operations a client may ask of a running process. QMP can do anything QEMU can (add
 * devices, open files, run a migration to `exec:`), so the API never forwards a command: the
 * client names one of these, and the server sends exactly that command, without arguments.
 */
import * as z from 'zod';
import type { ProcessInfo, RunStatus } from './runs.ts';

export const QMP_OPERATION_NAMES = [
  'query-status',
  'query-pci',
  'query-named-block-nodes',
  'query-block',
  'system_reset',
  'system_powerdown',
] as const;

export const QmpOperationSchema = z.enum(QMP_OPERATION_NAMES);
export type QmpOperation = z.infer<typeof QmpOperationSchema>;

export interface QmpOperationInfo {
  label: string;
  description: string;
  /** Reads state only; the others act on the guest. */
  readOnly: boolean;
  /** Acts on the whole VM, so only the main QEMU takes it (a remote process has no guest). */
  mainOnly: boolean;
}

/** The op name is also the QMP command sent. */
export const QMP_OPERATIONS: Readonly<Record<QmpOperation, QmpOperationInfo>> = {
  'query-status': {
    label: 'Status',
    description: 'Whether the process runs, is paused or has shut down.',
    readOnly: true,
    mainOnly: false,
  },
  'query-pci': {
    label: 'PCI devices',
    description:
      "The PCI devices this process emulates. On a remote process it shows the proxied device's real vendor:device. The main QEMU does not know a proxy's ids: QEMU 7.2 shows 0000:0000 for the first proxy and the previous proxy's ids for each later one (measured).",
    readOnly: true,
    mainOnly: false,
  },
  'query-named-block-nodes': {
    label: 'Block nodes',
    description: 'Every block node and the file it opened: proof of which images QEMU uses.',
    readOnly: true,
    mainOnly: false,
  },
  'query-block': {
    label: 'Block devices',
    description: 'The block devices and their inserted images.',
    readOnly: true,
    mainOnly: false,
  },
  system_reset: {
    label: 'Reset',
    description: 'Resets the guest, like the reset button of a PC.',
    readOnly: false,
    mainOnly: true,
  },
  system_powerdown: {
    label: 'Power button',
    description: 'Presses the power button (ACPI); the guest decides whether to power off.',
    readOnly: false,
    mainOnly: true,
  },
};

/** The operations a process takes: a remote process has no guest, so no VM-wide action. */
export function qmpOperationsFor(role: ProcessInfo['role']): QmpOperation[] {
  return QMP_OPERATION_NAMES.filter((op) => role === 'main' || !QMP_OPERATIONS[op].mainOnly);
}

/** Why a QMP operation cannot be sent: never allowed there, or not possible now. */
export interface QmpBlock {
  code: 'not-allowed' | 'unavailable';
  message: string;
}

/**
 * Why QMP cannot be used on `process` of a run in `runStatus` (for `op`, when given), or null
 * when it can. The server refuses with it and the UI turns its buttons off with it, so both
 * say the same thing; the server still decides.
 */
export function qmpBlockedReason(
  runStatus: RunStatus,
  process: Readonly<Pick<ProcessInfo, 'name' | 'role' | 'status'>> & { devices: readonly string[] },
  op?: QmpOperation,
): QmpBlock | null {
  if (op !== undefined && QMP_OPERATIONS[op].mainOnly && process.role !== 'main') {
    return {
      code: 'not-allowed',
      message: `${op} acts on the whole VM and is only available on the main QEMU; ${process.name} is a remote process (it emulates ${process.devices.join(', ')})`,
    };
  }
  if (runStatus !== 'running' && runStatus !== 'degraded') {
    return { code: 'unavailable', message: `The run is ${runStatus}; QMP needs a running VM.` };
  }
  if (process.status !== 'running') {
    return { code: 'unavailable', message: `${process.name} is ${process.status}.` };
  }
  return null;
}
