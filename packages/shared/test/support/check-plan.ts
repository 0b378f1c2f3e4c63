/**
 * Checks a launch plan against its document with the independent reader: every option is one QEMU
 * reads as ours, every property set has exactly the keys expected for its kind, and every value
 * that came from the document is the document's value, unchanged. Also checks that the readable
 * argv says the same thing to QEMU as the launch argv.
 */
import { expect } from 'vitest';
import type { LaunchPlan, PlannedProcess, Topology } from '../../src/index.ts';
import { toReadableArgv } from '../../src/index.ts';
import { readClassic, readJson, readOptions } from './qemu-argv.ts';

const IMPLIED: Record<string, string> = {
  '-machine': 'type',
  '-chardev': 'backend',
  '-sandbox': 'sandbox',
  '-vnc': 'vnc',
  '-device': 'driver',
  '-blockdev': 'driver',
  '-object': 'qom-type',
  '-netdev': 'type',
};
const JSON_FLAGS = new Set(['-device', '-blockdev', '-object', '-netdev']);
const VALUE_FLAGS = new Set([
  '-accel',
  '-smp',
  '-m',
  '-display',
  '-monitor',
  '-serial',
  '-kernel',
  '-initrd',
  '-append',
]);

const keys = (o: Record<string, unknown>) => Object.keys(o).sort();
const sorted = (list: string[]) => [...list].sort();

export function checkPlan(plan: LaunchPlan, t: Topology, binary = 'qemu-system-x86_64'): void {
  for (const p of plan.processes) {
    expect(p.argv[0]).toBe(binary);
    const options = readOptions(p.argv.slice(1));
    // Every element the planner meant as a value was read as one: the flags line up exactly.
    expect(options.map((o) => o.flag)).toEqual(p.args.map((a) => a.flag));
    const readable = readOptions(toReadableArgv(p.args));
    expect(readable.map((o) => o.flag)).toEqual(p.args.map((a) => a.flag));
    options.forEach((o, i) => {
      const r = readable[i]?.arg;
      if (o.arg === undefined) return expect(r).toBeUndefined();
      if (JSON_FLAGS.has(o.flag)) {
        const obj = readJson(o.arg);
        checkJson(o.flag, obj, p, plan, t);
        expect(r).toBeDefined();
        expect(sameAsJson(o.flag, obj, r ?? '')).toBe(true);
      } else if (VALUE_FLAGS.has(o.flag)) {
        checkValue(o.flag, o.arg, p, t);
        expect(r).toBe(o.arg);
      } else {
        checkClassic(o.flag, readClassic(o.arg, IMPLIED[o.flag]), p, plan, t);
        expect(r).toBe(o.arg);
      }
    });
  }
}

/** The readable element tells QEMU the same as the JSON: same keys, same values. */
function sameAsJson(flag: string, obj: Record<string, unknown>, readable: string): boolean {
  if (readable.startsWith('{')) return JSON.stringify(readJson(readable)) === JSON.stringify(obj);
  const expected: [string, string][] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (Array.isArray(v)) for (const item of v as { str: string }[]) expected.push([k, item.str]);
    else if (typeof v === 'boolean') expected.push([k, v ? 'on' : 'off']);
    else if (typeof v === 'string' || typeof v === 'number') expected.push([k, String(v)]);
    else return false;
  }
  const got = readClassic(readable, IMPLIED[flag]);
  const norm = (l: [string, string][]) => JSON.stringify(l.map((x) => x.join('\u0000')).sort());
  return norm(got) === norm(expected);
}

function checkValue(flag: string, arg: string, p: PlannedProcess, t: Topology): void {
  const { vm } = t;
  const boot = vm.boot;
  switch (flag) {
    case '-kernel':
      return expect(boot.kind === 'kernel' && arg === boot.kernel).toBe(true);
    case '-initrd':
      return expect(boot.kind === 'kernel' && arg === boot.initrd && arg !== '').toBe(true);
    case '-append':
      return expect(boot.kind === 'kernel' && arg === boot.append && arg !== '').toBe(true);
    case '-accel':
      return expect(arg).toBe(vm.accel);
    case '-smp':
      return expect(arg).toBe(String(vm.cpus));
    case '-m':
      return expect(arg).toBe(`${vm.memoryMiB}M`);
    case '-serial':
      return expect(arg).toBe(p.role === 'main' ? 'chardev:serial0' : 'none');
    default:
      return expect(arg).toBe('none');
  }
}

function checkClassic(
  flag: string,
  pairs: [string, string][],
  p: PlannedProcess,
  plan: LaunchPlan,
  t: Topology,
): void {
  const obj = Object.fromEntries(pairs);
  // A key written twice would be a key we did not mean (the last one wins in QemuOpts).
  expect(Object.keys(obj).length).toBe(pairs.length);
  switch (flag) {
    case '-name':
      return expect(obj).toEqual({
        guest: p.role === 'main' ? t.vm.name : `${t.vm.name}-${p.name}`,
      });
    case '-machine':
      return expect(obj).toEqual(
        p.role === 'remote'
          ? { type: 'x-remote' }
          : plan.channels.length > 0
            ? { type: t.vm.machine, 'memory-backend': 'mem' }
            : { type: t.vm.machine },
      );
    case '-chardev': {
      // QMP and the console are socketpair ends at the fds the plan names, never paths.
      const fd = obj.id === 'qmp' ? p.qmpFd : p.serialFd;
      expect(fd).not.toBeNull();
      expect(p.fds[String(fd)]).toBeUndefined();
      return expect(obj).toEqual({ backend: 'socket', id: obj.id, fd: String(fd) });
    }
    case '-mon':
      return expect(obj).toEqual({ chardev: 'qmp', mode: 'control' });
    case '-vnc':
      // The screen: the main QEMU's only, on the run directory's socket, never a TCP port.
      expect(p.role).toBe('main');
      expect(p.vnc).toBe(`${plan.runDir}/screen/vnc.sock`);
      return expect(obj).toEqual({ vnc: `unix:${p.vnc}` });
    case '-sandbox':
      return expect(sorted(Object.keys(obj))).toEqual(
        sorted(['sandbox', 'obsolete', 'elevateprivileges', 'spawn', 'resourcecontrol']),
      );
    default:
      throw new Error(`unexpected classic option ${flag}`);
  }
}

function checkJson(
  flag: string,
  o: Record<string, unknown>,
  p: PlannedProcess,
  plan: LaunchPlan,
  t: Topology,
): void {
  const fdOf = Object.fromEntries(Object.entries(p.fds).map(([fd, dev]) => [dev, fd]));
  if (flag === '-object') {
    if (o['qom-type'] === 'memory-backend-memfd') {
      expect(p.role).toBe('main');
      return expect(o).toEqual({
        'qom-type': 'memory-backend-memfd',
        id: 'mem',
        size: t.vm.memoryMiB * 1024 * 1024,
      });
    }
    const devid = p.devices[0];
    return expect(o).toEqual({
      'qom-type': 'x-remote-object',
      id: `robj-${devid}`,
      devid,
      fd: fdOf[devid ?? ''],
    });
  }
  if (flag === '-netdev') {
    const device = t.devices.find((d) => `${d.id}-net` === o.id);
    expect(device?.family).toBe('net');
    if (device?.family !== 'net') return;
    const fwd = device.backend.hostForwards;
    expect(keys(o)).toEqual(sorted(['type', 'id', ...(fwd.length > 0 ? ['hostfwd'] : [])]));
    return expect(o.type).toBe('user');
  }
  if (flag === '-blockdev') {
    const d = t.drives.find(
      (x) => o['node-name'] === `${x.id}-file` || o['node-name'] === `${x.id}-fmt`,
    );
    expect(d).toBeDefined();
    if (!d) return;
    if (o.driver === 'file') {
      expect(keys(o)).toEqual(sorted(['driver', 'node-name', 'filename', 'read-only']));
      return expect(o.filename).toBe(d.image.path);
    }
    expect(o.driver).toBe(d.image.format);
    expect(o.file).toBe(`${d.id}-file`);
    const base = ['driver', 'node-name', 'file', 'read-only'];
    if (d.image.format === 'qcow2') {
      expect(keys(o)).toEqual(sorted([...base, 'backing']));
      return expect(o.backing).toBeNull();
    }
    return expect(keys(o)).toEqual(sorted(base));
  }
  // -device
  if (o.driver === 'x-pci-proxy-dev') {
    expect(p.role).toBe('main');
    expect(o).toEqual({
      driver: 'x-pci-proxy-dev',
      id: o.id,
      fd: fdOf[String(o.id)],
      addr: `0x${plan.pciSlots[String(o.id)]?.toString(16)}`,
    });
    return;
  }
  const asDrive = t.drives.find((d) => d.id === o.id);
  if (asDrive) {
    expect(o.driver).toBe(asDrive.model);
    const boot = t.vm.boot.kind === 'disk' && t.vm.boot.drive === asDrive.id;
    expect(o).toEqual({
      driver: asDrive.model,
      id: asDrive.id,
      bus: `${asDrive.attachedTo}.0`,
      'scsi-id': asDrive.scsiId ?? 0,
      lun: asDrive.lun ?? 0,
      drive: `${asDrive.id}-fmt`,
      ...(boot ? { bootindex: 0 } : {}),
    });
    return;
  }
  const device = t.devices.find((d) => d.id === o.id);
  expect(device, `device ${String(o.id)}`).toBeDefined();
  if (!device) return;
  expect(o.driver).toBe(device.model);
  expect(p.devices).toContain(device.id);
  const expected: string[] = ['driver', 'id'];
  if (p.role === 'main') {
    expected.push('addr');
    expect(o.addr).toBe(`0x${plan.pciSlots[device.id]?.toString(16)}`);
  }
  if (device.family === 'block') {
    const image = t.drives.find((d) => d.attachedTo === device.id);
    expected.push('drive');
    expect(o.drive).toBe(`${image?.id}-fmt`);
    const serial = device.serial ?? (device.model === 'nvme' ? device.id : undefined);
    if (serial !== undefined) {
      expected.push('serial');
      expect(o.serial).toBe(serial);
    }
    if (t.vm.boot.kind === 'disk' && t.vm.boot.drive === image?.id) expected.push('bootindex');
  }
  if (device.family === 'net') {
    expected.push('netdev');
    expect(o.netdev).toBe(`${device.id}-net`);
    if (device.mac !== undefined) {
      expected.push('mac');
      expect(o.mac).toBe(device.mac.toLowerCase());
    }
  }
  expect(keys(o)).toEqual(sorted(expected));
}
