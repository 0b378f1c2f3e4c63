import { DEFAULT_CAPABILITIES, type Capabilities } from '../capabilities.ts';
import { hasErrors, type Problem } from '../problems.ts';
import type { Device, Drive, Topology } from '../schema.ts';
import { validate } from '../validate/index.ts';
import { classic, flag, json, toLaunchArgv, value, type PlanArg } from './args.ts';
import { deviceArgs, pciAddr } from './devices.ts';

/** Every QEMU gets the strictest seccomp filter that still runs the orchestration (measured). */
export const SANDBOX = {
  sandbox: 'on',
  obsolete: 'deny',
  elevateprivileges: 'deny',
  spawn: 'deny',
  resourcecontrol: 'deny',
} as const;

/** The first fd a child gets beyond stdin/stdout/stderr. */
export const FIRST_CHANNEL_FD = 3;

/** One socketpair: one end is fd `remoteFd` of the remote process, the other `mainFd` of the main QEMU. */
export interface Channel {
  device: string;
  remote: string;
  remoteFd: number;
  mainFd: number;
}

export interface PlannedProcess {
  /** `main` or the remote process id. */
  name: string;
  role: 'remote' | 'main';
  /** argv[0] is the QEMU binary. */
  argv: string[];
  /** The same options, structured, for the readable rendering. */
  args: PlanArg[];
  /** Child fd number → the device whose channel it carries. */
  fds: Record<string, string>;
  qmpSocket: string;
  serialSocket: string | null;
  /** Device ids this process emulates. */
  devices: string[];
}

export interface LaunchPlan {
  runDir: string;
  /** Remote processes first (each must exist before the main QEMU connects), then the main QEMU. */
  processes: PlannedProcess[];
  channels: Channel[];
  /** Warnings that stay true for this launch. */
  problems: Problem[];
}

export type PlanResult = { ok: true; plan: LaunchPlan } | { ok: false; problems: Problem[] };

export interface PlanOptions {
  /** Directory of the run's sockets; the server makes a fresh 0700 one per run. */
  runDir?: string;
}

/**
 * Turns a document into the processes to start. Validates first: a topology with errors has no
 * plan, only its problems.
 */
export function planLaunch(
  topology: Topology,
  caps: Capabilities = DEFAULT_CAPABILITIES,
  options: PlanOptions = {},
): PlanResult {
  const problems = validate(topology, caps);
  if (hasErrors(problems)) return { ok: false, problems };
  const runDir =
    options.runDir ?? `/tmp/mpqemu-${topology.vm.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  const drivesOf = groupDrives(topology.drives);
  const bootDrive = topology.vm.boot.kind === 'disk' ? topology.vm.boot.drive : undefined;

  const channels: Channel[] = [];
  const processes: PlannedProcess[] = [];
  for (const rp of topology.processes) {
    const device = topology.devices.find(
      (d) => d.placement.kind === 'remote' && d.placement.process === rp.id,
    );
    // Validation already warned about empty remote processes; there is nothing to start.
    if (!device) continue;
    const channel: Channel = {
      device: device.id,
      remote: rp.id,
      remoteFd: FIRST_CHANNEL_FD,
      mainFd: FIRST_CHANNEL_FD + channels.length,
    };
    channels.push(channel);
    processes.push(
      remoteProcess(topology, caps, runDir, rp.id, device, drivesOf, channel, bootDrive),
    );
  }
  processes.push(mainProcess(topology, caps, runDir, drivesOf, channels, bootDrive));
  return { ok: true, plan: { runDir, processes, channels, problems } };
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

function qmpArgs(socket: string): PlanArg[] {
  return [
    classic(
      '-chardev',
      { backend: 'socket', id: 'qmp', path: socket, server: true, wait: false },
      'backend',
    ),
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
  runDir: string,
  id: string,
  device: Device,
  drivesOf: Map<string, Drive[]>,
  channel: Channel,
  bootDrive: string | undefined,
): PlannedProcess {
  const qmpSocket = `${runDir}/${id}.qmp`;
  const args: PlanArg[] = [
    classic('-machine', { type: 'x-remote' }, 'type'),
    ...commonArgs(caps, `${topology.vm.name}-${id}`),
    value('-monitor', 'none'),
    value('-serial', 'none'),
    ...qmpArgs(qmpSocket),
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
    qmpSocket,
    serialSocket: null,
    devices: [device.id],
  };
}

function mainProcess(
  topology: Topology,
  caps: Capabilities,
  runDir: string,
  drivesOf: Map<string, Drive[]>,
  channels: readonly Channel[],
  bootDrive: string | undefined,
): PlannedProcess {
  const { vm } = topology;
  const shared = channels.length > 0;
  const qmpSocket = `${runDir}/main.qmp`;
  const serialSocket = vm.serial ? `${runDir}/serial.sock` : null;
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
  args.push(...qmpArgs(qmpSocket));
  if (serialSocket !== null) {
    args.push(
      classic(
        '-chardev',
        { backend: 'socket', id: 'serial0', path: serialSocket, server: true, wait: false },
        'backend',
      ),
      value('-serial', 'chardev:serial0'),
    );
  }
  if (vm.boot.kind === 'kernel') {
    args.push(value('-kernel', vm.boot.kernel));
    if (vm.boot.initrd !== '') args.push(value('-initrd', vm.boot.initrd));
    if (vm.boot.append !== '') args.push(value('-append', vm.boot.append));
  }
  const local = topology.devices.filter((d) => d.placement.kind === 'main');
  for (const device of local) {
    args.push(
      ...deviceArgs(device, drivesOf.get(device.id) ?? [], { slot: device.slot, bootDrive }),
    );
  }
  const slots = new Map(topology.devices.map((d) => [d.id, d.slot]));
  const fds: Record<string, string> = {};
  for (const channel of channels) {
    const slot = slots.get(channel.device);
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
    qmpSocket,
    serialSocket,
    devices: local.map((d) => d.id),
  };
}
