/**
 * Which run is the open document's running VM, and what each canvas node looks like in it.
 * Runtime state only: it is read from the runs store and never written into the document.
 */
import {
  TERMINAL_RUN_STATES,
  VM_NODE_ID,
  type ProcessJail,
  describeBudget,
  describeProcessState,
  restartBudget,
  type ProcessInfo,
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
  /** The state in words: "restarting (2 of 3 in 60 s)", "hung: no answer for 2.0 s". */
  text: string;
  /** What its restart policy has left ("2 of 3 restarts left in 60 s"); null for the main QEMU. */
  budget: string | null;
  /** Restarts its policy may still make in its window; null for the main QEMU or "never". */
  left: number | null;
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
export function nodeLiveStates(run: RunInfo, now: number): Map<string, NodeLive> {
  const states = new Map<string, NodeLive>();
  for (const p of run.processes) {
    const budget = processBudget(run, p, now);
    const live: NodeLive = {
      process: p.name,
      role: p.role,
      status: p.status,
      pid: p.pid,
      restarts: p.restarts,
      jail: p.jail,
      text: describeProcessState(p, budget),
      budget: p.role === 'main' ? null : describeBudget(budget),
      left: budget?.left ?? null,
    };
    states.set(p.role === 'main' ? VM_NODE_ID : p.name, live);
    for (const device of p.devices) states.set(device, live);
  }
  return states;
}

/** The restart budget of a remote process under the policy the running document gives it. */
export function processBudget(run: RunInfo, p: ProcessInfo, now: number) {
  if (p.role === 'main') return null;
  const policy = run.topology.processes.find((x) => x.id === p.name)?.restart;
  return restartBudget(policy, p.policyRestarts, now);
}
