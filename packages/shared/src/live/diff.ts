/**
 * Which differences between the document a VM runs and an edited one can be applied to the running
 * VM, and which need it restarted. Measured on QEMU 7.2 (docs/live.md): a proxied device in its own
 * remote process can be hot-plugged and unplugged on `pc`; everything the main QEMU was started
 * with (CPUs, memory, machine, boot, its own devices) is fixed until it restarts.
 */
import type { Device, Drive, Topology, Vm } from '../schema.ts';

export type LiveChange =
  /** A new remote process and its proxy `device_add`ed into a free slot. */
  | { kind: 'add-device'; device: string; process: string; text: string }
  /** `device_del` of the proxy; its remote process then exits by itself. */
  | { kind: 'remove-device'; device: string; process: string; text: string }
  /** Removed, then added with the new settings (same id). */
  | { kind: 'replace-device'; device: string; process: string; text: string }
  /** Processes without a device start nothing; a policy takes effect at the next death. */
  | { kind: 'add-process' | 'remove-process' | 'restart-policy'; process: string; text: string };

/** One reason the edited document cannot be applied without restarting the VM. */
export interface RestartNeed {
  /** Document path of the field, as in problems (`vm.cpus`, `devices[2]`). */
  path: string;
  /** Canvas nodes to point at (`$vm`, device and process ids). */
  nodeIds: string[];
  text: string;
}

export interface LiveDiff {
  /** Nothing QEMU sees differs (positions, labels only). */
  same: boolean;
  /** In the order they would be applied: removals first, so their slots are free again. */
  live: LiveChange[];
  /** Empty when every difference applies live. */
  restart: RestartNeed[];
  /** Spare channels the live changes use up (one per added or replaced device). */
  sparesNeeded: number;
}

export interface DiffOptions {
  /** Spare channels the running VM has left; more needed is a reason to restart. */
  sparesLeft?: number;
}

/**
 * Every VM setting is fixed while the main QEMU runs. A Record over `keyof Vm`: a field added to
 * the VM and not named here does not compile, so no VM change can slip through as "live".
 */
const VM_FIELD_LABELS: Record<keyof Vm, string> = {
  name: 'The VM name (every QEMU is started with it)',
  machine: 'The machine type',
  accel: 'The accelerator',
  cpus: 'The vCPU count',
  memoryMiB: 'The memory size',
  boot: 'The boot source',
  serial: 'The serial console',
  spareChannels: 'The number of spare channels',
};
const VM_FIELDS = Object.entries(VM_FIELD_LABELS).map(([key, label]) => ({
  key: key as keyof Vm,
  label,
}));

/** JSON with sorted keys: documents from the UI and from a file list keys in any order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function short(value: Vm[keyof Vm]): string {
  const text = typeof value === 'object' ? canonical(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

interface Placed {
  index: number;
  device: Device;
  /** Canonical device and its drives: equal text, nothing QEMU sees differs. */
  key: string;
}

function placed(topology: Topology): Map<string, Placed> {
  const drives = new Map<string, Drive[]>();
  for (const drive of topology.drives) {
    if (drive.attachedTo === null) continue;
    drives.set(drive.attachedTo, [...(drives.get(drive.attachedTo) ?? []), drive]);
  }
  const out = new Map<string, Placed>();
  topology.devices.forEach((device, index) => {
    const own = [...(drives.get(device.id) ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1));
    out.set(device.id, { index, device, key: canonical({ device, own }) });
  });
  return out;
}

function processOf(device: Device): string | null {
  return device.placement.kind === 'remote' ? device.placement.process : null;
}

function vmNeeds(running: Vm, edited: Vm): RestartNeed[] {
  return VM_FIELDS.filter(({ key }) => canonical(running[key]) !== canonical(edited[key])).map(
    ({ key, label }) => ({
      path: `vm.${key}`,
      nodeIds: ['$vm'],
      text: `${label} changed (${short(running[key])} → ${short(edited[key])}); it is fixed while the main QEMU runs`,
    }),
  );
}

function deviceChanges(
  running: Topology,
  edited: Topology,
): {
  live: LiveChange[];
  restart: RestartNeed[];
} {
  const before = placed(running);
  const after = placed(edited);
  const removals: LiveChange[] = [];
  const additions: LiveChange[] = [];
  const restart: RestartNeed[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(id);
    const now = after.get(id);
    if (old && now && old.key === now.key) continue;
    const oldProcess = old ? processOf(old.device) : null;
    const newProcess = now ? processOf(now.device) : null;
    const path = now ? `devices[${now.index}]` : `devices (${id})`;
    if ((old && oldProcess === null) || (now && newProcess === null)) {
      const what = !old ? 'added to' : !now ? 'removed from' : 'changed in';
      restart.push({
        path,
        nodeIds: [id],
        text: `${id} is ${what} the main QEMU, whose devices are fixed while it runs`,
      });
    } else if (old && now && oldProcess !== null && newProcess !== null) {
      removals.push({
        kind: 'replace-device',
        device: id,
        process: newProcess,
        text: `${id} is unplugged and plugged again with its new settings (remote process ${newProcess})`,
      });
    } else if (old && oldProcess !== null) {
      removals.push({
        kind: 'remove-device',
        device: id,
        process: oldProcess,
        text: `${id} is unplugged from the guest; remote process ${oldProcess} exits`,
      });
    } else if (now && newProcess !== null) {
      additions.push({
        kind: 'add-device',
        device: id,
        process: newProcess,
        text: `${id} is started in remote process ${newProcess} and plugged into the guest`,
      });
    }
  }
  return { live: [...removals, ...additions], restart };
}

function processChanges(running: Topology, edited: Topology): LiveChange[] {
  const before = new Map(running.processes.map((p) => [p.id, p]));
  const after = new Map(edited.processes.map((p) => [p.id, p]));
  const out: LiveChange[] = [];
  for (const [id, p] of after) {
    const old = before.get(id);
    if (!old) out.push({ kind: 'add-process', process: id, text: `remote process ${id} added` });
    else if (canonical(old.restart) !== canonical(p.restart)) {
      out.push({
        kind: 'restart-policy',
        process: id,
        text: `restart policy of ${id} changed; it applies from its next failure`,
      });
    }
  }
  for (const id of before.keys()) {
    if (!after.has(id)) {
      out.push({ kind: 'remove-process', process: id, text: `remote process ${id} removed` });
    }
  }
  return out;
}

/**
 * Compares the running document with an edited one. Layout and labels never matter to QEMU and
 * are not reported. Neither document is validated here: the caller validates the edited one.
 */
export function diffLive(running: Topology, edited: Topology, options: DiffOptions = {}): LiveDiff {
  const restart = vmNeeds(running.vm, edited.vm);
  const devices = deviceChanges(running, edited);
  restart.push(...devices.restart);
  const plugs = devices.live.filter(
    (c): c is Extract<LiveChange, { device: string }> => 'device' in c,
  );
  if (plugs.length > 0 && running.vm.machine === 'q35') {
    // Measured: q35's root bus takes no hot-plug; the proxies would need pcie-root-ports from
    // launch, which this planner does not create.
    for (const c of plugs) {
      restart.push({
        path: 'vm.machine',
        nodeIds: [c.device, '$vm'],
        text: `${c.device} cannot be plugged or unplugged live on q35 (its root bus takes no hot-plug); use machine pc for live changes`,
      });
    }
  }
  const live = [
    ...(running.vm.machine === 'q35' ? [] : devices.live),
    ...processChanges(running, edited),
  ];
  const sparesNeeded = live.filter(
    (c) => c.kind === 'add-device' || c.kind === 'replace-device',
  ).length;
  if (options.sparesLeft !== undefined && sparesNeeded > options.sparesLeft) {
    restart.push({
      path: 'vm.spareChannels',
      nodeIds: ['$vm'],
      text: `these changes plug ${sparesNeeded} device${sparesNeeded === 1 ? '' : 's'} but the running VM has ${options.sparesLeft} spare channel${options.sparesLeft === 1 ? '' : 's'} left; restart the VM to get new ones`,
    });
  }
  return { same: live.length === 0 && restart.length === 0, live, restart, sparesNeeded };
}
