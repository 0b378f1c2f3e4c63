/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESTART_POLICY,
  DEFAULT_SPARE_CHANNELS,
  TOPOLOGY_VERSION,
  loadTopology,
  loadTopologyText,
  planLaunch,
  validate,
  type FieldError,
} from '../src/index.ts';
import { KVM_CAPS } from './support/build.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as {
    devices: Record<string, unknown>[];
    drives: Record<string, unknown>[];
    vm: Record<string, unknown>;
    [key: string]: unknown;
  };

function errorsOf(raw: unknown): FieldError[] {
  const r = loadTopology(raw);
  if (r.ok) throw new Error('expected load to fail');
  return r.errors;
}

describe('loading a version 1 document', () => {
  const result = loadTopologyText(fixture('v1-lab.json'));

  it('migrates to the current version and says from which', () => {
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.migratedFrom).toBe(1);
    expect(result.topology.version).toBe(TOPOLOGY_VERSION);
  });

  it('carries every fact of the v1 document over', () => {
    if (!result.ok) throw new Error('not loaded');
    const t = result.topology;
    expect(t.vm).toEqual({
      name: 'lab-v1',
      machine: 'pc',
      accel: 'tcg',
      cpus: 2,
      memoryMiB: 1024,
      boot: {
        kind: 'kernel',
        kernel: '/var/lib/mpqemu/guest/vmlinuz',
        initrd: '/var/lib/mpqemu/guest/initrd.gz',
        append: 'console=ttyS0',
      },
      serial: true,
      spareChannels: DEFAULT_SPARE_CHANNELS,
    });
    expect(t.processes).toEqual([
      { id: 'rp0', label: 'SCSI box', restart: DEFAULT_RESTART_POLICY },
      { id: 'rp1', label: '', restart: DEFAULT_RESTART_POLICY },
    ]);
    expect(t.devices).toEqual([
      {
        id: 'lsi0',
        family: 'storage',
        model: 'lsi53c895a',
        placement: { kind: 'remote', process: 'rp0' },
        slot: 5,
      },
      {
        id: 'nic0',
        family: 'net',
        model: 'e1000e',
        placement: { kind: 'remote', process: 'rp1' },
        mac: '52:54:00:12:34:56',
        backend: { type: 'user', hostForwards: [] },
      },
      {
        id: 'vblk0',
        family: 'block',
        model: 'virtio-blk-pci',
        placement: { kind: 'main' },
        serial: 'VB0',
      },
    ]);
    expect(t.drives).toEqual([
      {
        id: 'disk0',
        model: 'scsi-hd',
        image: { path: '/var/lib/mpqemu/disk0.img', format: 'raw', readOnly: false },
        attachedTo: 'lsi0',
        scsiId: 0,
        lun: 0,
      },
      {
        id: 'cd0',
        model: 'scsi-cd',
        image: { path: '/var/lib/mpqemu/install.iso', format: 'raw', readOnly: true },
        attachedTo: 'lsi0',
        scsiId: 1,
      },
      {
        id: 'disk1',
        model: 'disk-image',
        image: { path: '/var/lib/mpqemu/disk1.qcow2', format: 'qcow2', readOnly: false },
        attachedTo: 'vblk0',
      },
    ]);
    expect(t.layout).toEqual({ lsi0: { x: 10, y: 20 }, rp0: { x: 300, y: 0 } });
  });

  it('gives a document that validates and plans, with only the TCG proxy warning', () => {
    if (!result.ok) throw new Error('not loaded');
    expect(validate(result.topology, KVM_CAPS).map((p) => p.code)).toEqual([
      'proxy.tcg-no-interrupts',
    ]);
    expect(planLaunch(result.topology, KVM_CAPS).ok).toBe(true);
  });

  it('reports v1 errors at v1 paths, and unknown v1 models by index', () => {
    const v1 = JSON.parse(fixture('v1-lab.json')) as Record<string, unknown>;
    expect(errorsOf({ ...v1, memory: '1T' })).toEqual([
      { path: 'memory', message: 'a size such as "256M" or "2G"' },
    ]);
    const devices = (v1.devices as Record<string, unknown>[]).map((d, i) =>
      i === 1 ? { ...d, model: 'rtl8139' } : d,
    );
    expect(errorsOf({ ...v1, devices })).toEqual([
      { path: 'devices[1].model', message: 'unknown model "rtl8139"' },
    ]);
  });

  it('starts without a boot source when v1 had no kernel', () => {
    const v1 = JSON.parse(fixture('v1-lab.json')) as Record<string, unknown>;
    delete v1.kernel;
    const r = loadTopology(v1);
    expect(r.ok && r.topology.vm.boot).toEqual({ kind: 'none' });
  });
});

describe('loading a broken document', () => {
  const rich = () => example('rich.json');

  it('loads the example as it is', () => {
    const r = loadTopology(rich());
    expect(r.ok && r.migratedFrom).toBe(undefined);
    expect(r.ok).toBe(true);
  });

  it('names an unknown device model and lists the allowed ones', () => {
    const doc = rich();
    doc.devices[1] = { ...doc.devices[1], model: 'rtl8139' };
    const [e, ...rest] = errorsOf(doc);
    expect(rest).toEqual([]);
    expect(e?.path).toBe('devices[1].model');
    expect(e?.message).toContain('"e1000e"');
  });

  it('names vm.memoryMiB when it is not a number of MiB', () => {
    const doc = rich();
    doc.vm = { ...doc.vm, memoryMiB: '256M' };
    expect(errorsOf(doc)).toEqual([
      { path: 'vm.memoryMiB', message: expect.stringContaining('expected number') as string },
    ]);
  });

  it('names an unknown family', () => {
    const doc = rich();
    doc.devices[0] = { ...doc.devices[0], family: 'gpu' };
    expect(errorsOf(doc).map((e) => e.path)).toEqual(['devices[0].family']);
  });

  it('rejects a drive with a placement, naming the field and why', () => {
    const doc = rich();
    doc.drives[0] = { ...doc.drives[0], placement: { kind: 'remote', process: 'rp0' } };
    expect(errorsOf(doc)).toEqual([
      {
        path: 'drives[0].placement',
        message:
          'unknown field "placement": a drive has no placement of its own; it runs in the process of the device it is attached to',
      },
    ]);
  });

  it('rejects unknown fields anywhere, at their own path', () => {
    const doc = rich();
    doc.vm = { ...doc.vm, cmdline: '-device evil' };
    doc.extra = true;
    expect(errorsOf(doc).map((e) => e.path)).toEqual(['vm.cmdline', 'extra']);
  });

  it('escapes hostile unknown keys in the path and the message', () => {
    const doc = rich();
    doc.vm = { ...doc.vm, ['\u001b[2J' + 'k'.repeat(100)]: 1 };
    const [e] = errorsOf(doc);
    expect(e?.path.startsWith('vm.\\u001b[2Jkkk')).toBe(true);
    expect(e?.message).toBe(
      `unknown field "\\u001b[2J${'k'.repeat(36)}…": not part of this version of the document`,
    );
  });

  it('reports a missing section and a string beyond the size bound', () => {
    const { vm: _vm, ...noVm } = rich();
    expect(errorsOf(noVm)).toEqual([
      { path: 'vm', message: expect.stringContaining('expected object') as string },
    ]);
    const long = rich();
    long.devices[0] = { ...long.devices[0], id: 'x'.repeat(100_000) };
    expect(errorsOf(long)).toEqual([
      { path: 'devices[0].id', message: expect.stringContaining('65536') as string },
    ]);
  });

  it('refuses a version newer than it knows, with the version in words', () => {
    expect(errorsOf({ ...rich(), version: TOPOLOGY_VERSION + 1 })).toEqual([
      {
        path: 'version',
        message: `version ${TOPOLOGY_VERSION + 1} is newer than this mpqemu studio understands (up to ${TOPOLOGY_VERSION})`,
      },
    ]);
  });

  it.each([[undefined], ['2'], [0], [1.5], [null]])('refuses version %j', (version) => {
    expect(errorsOf({ ...rich(), version })).toEqual([
      { path: 'version', message: `must be an integer from 1 to ${TOPOLOGY_VERSION}` },
    ]);
  });

  it.each([[null], [[]], ['text'], [42]])('refuses %j as a whole document', (raw) => {
    expect(errorsOf(raw)).toEqual([{ path: '', message: 'a topology must be a JSON object' }]);
  });

  it('reports text that is not JSON at the root, with the parser’s reason', () => {
    const r = loadTopologyText('{"version": 2,');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.path).toBe('');
    expect(r.errors[0]?.message).toMatch(/^not valid JSON: /);
    expect(loadTopologyText('').ok).toBe(false);
  });
});
