/**
 * The planner proper, for a document the validator has passed. Kept out of the package's public
 * exports: everyone else plans through `planLaunch`, which refuses a document with errors.
 */
import type { Capabilities } from '../capabilities.ts';
import type { Problem } from '../problems.ts';
import type { Device, Drive, Topology } from '../schema.ts';
import { hasScreen } from '../screen.ts';
import { RESERVED_SLOTS } from '../validate/pci.ts';
import { classic, flag, json, toLaunchArgv, value, type PlanArg } from './args.ts';
import { deviceArgs, pciAddr } from './devices.ts';
import { DEFAULT_ISOLATION, DEFAULT_JAIL_SUPPORT, planJail, type PlannedJail } from './jail.ts';
import {
  FIRST_CHANNEL_FD,
  SANDBOX,
  SCREEN_DIR,
  type Channel,
  type LaunchPlan,
  type PlanOptions,
  type PlannedProcess,
} from './types.ts';

/** Builds the plan without validating; `problems` are the validator's warnings, carried along. */
export function buildPlan(
  topology: Topology,
  caps: Capabilities,
  runDir: string,
  problems: Problem[],
  options: PlanOptions = {},
): LaunchPlan {
  const drivesOf = groupDrives(topology.drives);
  const bootDrive = topology.vm.boot.kind === 'disk' ? topology.vm.boot.drive : undefined;
  const remoteDevices = new Map<string, Device>();
  const local: Device[] = [];
  for (const device of topology.devices) {
    if (device.placement.kind === 'main') local.push(device);
    // The validator allows one device per remote process; the first one is the one we run.
    else if (!remoteDevices.has(device.placement.process))
      remoteDevices.set(device.placement.process, device);
  }

  const channels: Channel[] = [];
  const processes: Unjailed[] = [];
  for (const rp of topology.processes) {
    const device = remoteDevices.get(rp.id);
    // Validation already warned about empty remote processes; there is nothing to start.
    if (!device) continue;
    const channel: Channel = {
      device: device.id,
      remote: rp.id,
      remoteFd: FIRST_CHANNEL_FD,
      mainFd: FIRST_CHANNEL_FD + channels.length,
    };
    channels.push(channel);
    processes.push(remoteProcess(topology, caps, rp.id, device, drivesOf, channel, bootDrive));
  }
  const proxied = channels.map((c) => c.device);
  const pciSlots = assignSlots(topology, [...local.map((d) => d.id), ...proxied]);
  const spares = spareFds(topology, FIRST_CHANNEL_FD + channels.length);
  const vnc = hasScreen(topology) ? vncSocket(runDir) : null;
  processes.push(
    mainProcess(topology, caps, local, drivesOf, { channels, spares, vnc }, pciSlots, bootDrive),
  );
  const jailed = processes.map((p) => ({ ...p, jail: jailOf(topology, caps, options, p) }));
  return {
    runDir,
    processes: jailed,
    channels,
    pciSlots,
    problems,
    spares,
    proxyChannel: caps.proxyChannel,
  };
}

type Unjailed = Omit<PlannedProcess, 'jail'>;

/**
 * Each process's jail. Its place in the run (main 0, then the remotes in document order) gives it
 * its uid, unless the caller keeps the uids of live processes (`options.ordinals`).
 */
function jailOf(
  topology: Topology,
  caps: Capabilities,
  options: PlanOptions,
  process: Unjailed,
): PlannedJail {
  const given = options.ordinals ?? {};
  const taken = new Set(Object.values(given));
  let ordinal = given[process.name];
  if (ordinal === undefined) {
    const place =
      process.role === 'main' ? 0 : 1 + topology.processes.findIndex((p) => p.id === process.name);
    ordinal = place;
    // A hot-added process of a running VM: the first place no live process holds.
    while (taken.has(ordinal)) ordinal++;
  }
  const nics = topology.devices.filter((d) => d.family === 'net' && process.devices.includes(d.id));
  return planJail({
    support: caps.jail ?? DEFAULT_JAIL_SUPPORT,
    isolation: options.isolation ?? caps.isolation ?? DEFAULT_ISOLATION,
    role: process.role,
    ordinal,
    networkBecause:
      nics.length > 0
        ? `user-mode networking of ${nics.map((d) => d.id).join(', ')} makes host connections`
        : null,
    guestMemoryMiB: topology.vm.memoryMiB,
    // The screen's socket folder: QEMU makes the socket there, and screendump its stills.
    writable: process.vnc ? [process.vnc.slice(0, process.vnc.lastIndexOf('/'))] : [],
    kvm: process.role === 'main' && topology.vm.accel === 'kvm',
    binary: caps.binary,
  });
}

/**
 * Node cannot pass an fd to a running QEMU (QMP `getfd` needs SCM_RIGHTS), so the main QEMU
 * inherits spare socketpair ends at launch; `device_add ...,fd=N` later uses one (measured on
 * 7.2, also under -sandbox). Only `pc` can use them: q35's root bus takes no hot-plug. A VM
 * without remote processes gets none, so a plain VM keeps its plain command line (no memfd).
 */
function spareFds(topology: Topology, first: number): number[] {
  if (topology.vm.machine !== 'pc' || topology.processes.length === 0) return [];
  return Array.from({ length: topology.vm.spareChannels }, (_, i) => first + i);
}

/**
 * Explicit slots stay; the others get the lowest slot that neither the chipset nor an explicit
 * request holds, in argv order (the order QEMU itself would have used).
 */
function assignSlots(topology: Topology, onBus: readonly string[]): Record<string, number> {
  const taken = new Set<number>(RESERVED_SLOTS[topology.vm.machine]);
  const wanted = new Map<string, number>();
  for (const device of topology.devices) {
    if (device.slot === undefined) continue;
    taken.add(device.slot);
    wanted.set(device.id, device.slot);
  }
  const slots: Record<string, number> = {};
  let next = 0;
  for (const id of onBus) {
    const slot = wanted.get(id);
    if (slot !== undefined) {
      slots[id] = slot;
      continue;
    }
    while (next < 32 && taken.has(next)) next++;
    // Only reachable for a document the validator refused (more devices than free slots).
    if (next >= 32) continue;
    slots[id] = next;
    taken.add(next);
  }
  return slots;
}

/** Where the main QEMU serves its screen: a fixed name in the run directory's own folder. */
function vncSocket(runDir: string): string {
  return `${runDir.replace(/\/+$/, '')}/${SCREEN_DIR}/vnc.sock`;
}

function groupDrives(drives: readonly Drive[]): Map<string, Drive[]> {
  const map = new Map<string, Drive[]>();
  for (const drive of drives) {
    if (drive.attachedTo === null) continue;
    const list = map.get(drive.attachedTo) ?? [];
    list.push(drive);
    map.set(drive.attachedTo, list);
  }
  return map;
}

/**
 * QMP on an inherited, already connected socketpair end (`fd=` without `server`): QEMU never
 * listens or accepts, so nobody polls for a socket file and QEMU 7.2's stray-accept hang of a
 * listening monitor cannot happen (docs/qemu-facts.md). The orchestrator holds the other end.
 */
function qmpArgs(fd: number): PlanArg[] {
  return [
    classic('-chardev', { backend: 'socket', id: 'qmp', fd: String(fd) }, 'backend'),
    classic('-mon', { chardev: 'qmp', mode: 'control' }),
  ];
}

function commonArgs(caps: Capabilities, name: string): PlanArg[] {
  const args: PlanArg[] = [
    classic('-name', { guest: name }),
    flag('-nodefaults'),
    flag('-no-user-config'),
  ];
  args.push(value('-display', 'none'));
  if (caps.sandbox) args.push(classic('-sandbox', { ...SANDBOX }, 'sandbox'));
  return args;
}

function remoteProcess(
  topology: Topology,
  caps: Capabilities,
  id: string,
  device: Device,
  drivesOf: Map<string, Drive[]>,
  channel: Channel,
  bootDrive: string | undefined,
): Unjailed {
  // fd 3 is the channel; the monitor's end comes next, then the files (passFilesByFd).
  const qmpFd = channel.remoteFd + 1;
  const args: PlanArg[] = [
    classic('-machine', { type: 'x-remote' }, 'type'),
    ...commonArgs(caps, `${topology.vm.name}-${id}`),
    value('-monitor', 'none'),
    value('-serial', 'none'),
    ...qmpArgs(qmpFd),
    // No addr: the device sits on the remote's own bus; the guest sees the proxy's slot.
    ...deviceArgs(device, drivesOf.get(device.id) ?? [], { bootDrive }),
    json('-object', 'qom-type', {
      'qom-type': 'x-remote-object',
      id: `robj-${device.id}`,
      devid: device.id,
      [caps.proxyChannel]: String(channel.remoteFd),
    }),
  ];
  return {
    name: id,
    role: 'remote',
    argv: [caps.binary, ...toLaunchArgv(args)],
    args,
    fds: { [String(channel.remoteFd)]: device.id },
    qmpFd,
    serialFd: null,
    vnc: null,
    devices: [device.id],
    restart: topology.processes.find((p) => p.id === id)?.restart ?? null,
  };
}

function mainProcess(
  topology: Topology,
  caps: Capabilities,
  local: readonly Device[],
  drivesOf: Map<string, Drive[]>,
  {
    channels,
    spares,
    vnc,
  }: { channels: readonly Channel[]; spares: readonly number[]; vnc: string | null },
  pciSlots: Record<string, number>,
  bootDrive: string | undefined,
): Unjailed {
  const { vm } = topology;
  // A device plugged in later needs the guest RAM shareable too, so spares alone ask for a memfd.
  const shared = channels.length > 0 || spares.length > 0;
  // After the channels and the spares: the monitor's end, then the console's.
  const qmpFd = FIRST_CHANNEL_FD + channels.length + spares.length;
  const serialFd = vm.serial ? qmpFd + 1 : null;
  // Remote processes map guest RAM themselves, so it must live in a shareable memfd.
  const machine: Record<string, string> = shared
    ? { type: vm.machine, 'memory-backend': 'mem' }
    : { type: vm.machine };
  const args: PlanArg[] = [
    classic('-machine', machine, 'type'),
    value('-accel', vm.accel),
    value('-smp', String(vm.cpus)),
    value('-m', `${vm.memoryMiB}M`),
    ...commonArgs(caps, vm.name),
  ];
  if (shared) {
    args.push(
      json('-object', 'qom-type', {
        'qom-type': 'memory-backend-memfd',
        id: 'mem',
        size: vm.memoryMiB * 1024 * 1024,
      }),
    );
  }
  args.push(...qmpArgs(qmpFd));
  if (serialFd !== null) {
    args.push(
      classic('-chardev', { backend: 'socket', id: 'serial0', fd: String(serialFd) }, 'backend'),
      value('-serial', 'chardev:serial0'),
    );
  }
  if (vm.boot.kind === 'kernel') {
    args.push(value('-kernel', vm.boot.kernel));
    if (vm.boot.initrd !== '') args.push(value('-initrd', vm.boot.initrd));
    if (vm.boot.append !== '') args.push(value('-append', vm.boot.append));
  }
  // RFB on a unix socket only: a TCP port would be open to every local user (and beyond).
  if (vnc !== null) args.push(classic('-vnc', { vnc: `unix:${vnc}` }, 'vnc'));
  for (const device of local) {
    const slot = pciSlots[device.id];
    args.push(...deviceArgs(device, drivesOf.get(device.id) ?? [], { slot, bootDrive }));
  }
  const fds: Record<string, string> = {};
  for (const channel of channels) {
    const slot = pciSlots[channel.device];
    args.push(
      json('-device', 'driver', {
        driver: 'x-pci-proxy-dev',
        id: channel.device,
        [caps.proxyChannel]: String(channel.mainFd),
        ...(slot === undefined ? {} : { addr: pciAddr(slot) }),
      }),
    );
    fds[String(channel.mainFd)] = channel.device;
  }
  return {
    name: 'main',
    role: 'main',
    argv: [caps.binary, ...toLaunchArgv(args)],
    args,
    fds,
    qmpFd,
    serialFd,
    vnc,
    devices: local.map((d) => d.id),
    restart: null,
  };
}
