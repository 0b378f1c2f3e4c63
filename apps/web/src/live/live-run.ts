/**
 * Which run is the open document's running VM, and what each canvas node looks like in it.
 * Runtime state only: it is read from the runs store and never written into the document.
 */
import {
  TERMINAL_RUN_STATES,
  VM_NODE_ID,
  type ProcessInfo,
  type ProcessJail,
  type RunInfo,
} from '@mpqemu/shared';

/** What the canvas shows of one node while its VM runs. */
export interface NodeLive {
  /** The QEMU process that emulates the node (`main` or a remote process id). */
  process: string;
  role: ProcessInfo['role'];
  status: ProcessInfo['status'];
  pid: number | null;
  /** Times the process was replaced while the VM ran. */
  restarts: number;
  /** Its jail, as planned and as read back from /proc. */
  jail: ProcessJail;
}

/** How the open document is known to the runs: its name in the store, else its VM's name. */
export interface DocumentRef {
  name: string | null;
  vmName: string;
}

/**
 * The newest run of this document that has not ended. A saved document is matched by its store
 * name; a document never saved by its VM name among the runs started without one.
 */
export function liveRunOf(runs: Record<string, RunInfo>, doc: DocumentRef): RunInfo | null {
  let best: RunInfo | null = null;
  for (const run of Object.values(runs)) {
    if (TERMINAL_RUN_STATES.includes(run.status)) continue;
    const same =
      doc.name !== null
        ? run.topologyName === doc.name
        : run.topologyName === null && run.vmName === doc.vmName;
    if (same && (best === null || run.createdAt > best.createdAt)) best = run;
  }
  return best;
}

/**
 * The live state per canvas node id: each remote process container and the devices it emulates
 * take that process's state; the VM container and the main QEMU's devices take the main QEMU's.
 */
export function nodeLiveStates(run: RunInfo): Map<string, NodeLive> {
  const states = new Map<string, NodeLive>();
  for (const p of run.processes) {
    const live: NodeLive = {
      process: p.name,
      role: p.role,
      status: p.status,
      pid: p.pid,
      restarts: p.restarts,
      jail: p.jail,
    };
    states.set(p.role === 'main' ? VM_NODE_ID : p.name, live);
    for (const device of p.devices) states.set(device, live);
  }
  return states;
}
