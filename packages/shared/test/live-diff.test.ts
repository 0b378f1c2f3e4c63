import { describe, expect, it } from 'vitest';
import { diffLive, loadTopology, type Topology } from '../src/index.ts';
import { dev, drive, remote, topo } from './support/build.ts';

const running = (): Topology =>
  topo({
    processes: [{ id: 'rp0' }, { id: 'rp1' }],
    devices: [dev.lsi('lsi0', remote('rp0')), dev.e1000e('nic0', remote('rp1')), dev.vblk('vd0')],
    drives: [drive.hd('disk0', 'lsi0')],
  });

describe('diffLive', () => {
  it('reports nothing for the same document, nor for positions and labels', () => {
    const base = running();
    const moved: Topology = {
      ...base,
      layout: { lsi0: { x: 5, y: 9 } },
      processes: base.processes.map((p) => ({ ...p, label: 'renamed' })),
    };
    expect(diffLive(base, moved)).toEqual({ same: true, live: [], restart: [], sparesNeeded: 0 });
  });

  it('applies a new proxied device in a new remote process live, using one spare', () => {
    const base = running();
    const edited = topo({
      processes: [...base.processes, { id: 'rp2' }],
      devices: [...base.devices, dev.e1000e('nic1', remote('rp2'))],
      drives: base.drives,
    });
    const diff = diffLive(base, edited, { sparesLeft: 4 });
    expect(diff.restart).toEqual([]);
    expect(diff.live.map((c) => c.kind)).toEqual(['add-device', 'add-process']);
    expect(diff.live[0]).toMatchObject({ device: 'nic1', process: 'rp2' });
    expect(diff.sparesNeeded).toBe(1);
  });

  it('removes a proxied device and its process live, removals first', () => {
    const base = running();
    const edited = topo({
      processes: [{ id: 'rp0' }, { id: 'rp3' }],
      devices: [dev.lsi('lsi0', remote('rp0')), dev.vblk('vd0'), dev.e1000e('nic9', remote('rp3'))],
      drives: base.drives,
    });
    const diff = diffLive(base, edited);
    expect(diff.restart).toEqual([]);
    expect(diff.live.map((c) => `${c.kind} ${'device' in c ? c.device : c.process}`)).toEqual([
      'remove-device nic0',
      'add-device nic9',
      'add-process rp3',
      'remove-process rp1',
    ]);
    expect(diff.sparesNeeded).toBe(1);
  });

  it('replaces a proxied device whose drive changed, keeping its id', () => {
    const base = running();
    const edited = { ...base, drives: [drive.hd('disk0', 'lsi0', 1)] } as Topology;
    const diff = diffLive(base, topo(edited));
    expect(diff.live).toEqual([
      expect.objectContaining({ kind: 'replace-device', device: 'lsi0' }),
    ]);
    expect(diff.sparesNeeded).toBe(1);
  });

  it('needs a VM restart for CPUs, memory, machine and boot, naming each field', () => {
    const base = running();
    const edited = topo({
      ...base,
      vm: { ...base.vm, cpus: 2, memoryMiB: 512, boot: { kind: 'none' } },
    });
    const diff = diffLive(base, edited);
    expect(diff.live).toEqual([]);
    expect(diff.restart.map((r) => r.path)).toEqual(['vm.cpus', 'vm.memoryMiB', 'vm.boot']);
    expect(diff.restart[0]?.text).toBe(
      'The vCPU count changed (1 → 2); it is fixed while the main QEMU runs',
    );
    expect(diff.restart.every((r) => r.nodeIds.includes('$vm'))).toBe(true);
  });

  it('needs a VM restart for a device added to, removed from or moved into the main QEMU', () => {
    const base = running();
    const edited = topo({
      processes: base.processes,
      devices: [dev.lsi('lsi0'), dev.e1000e('nic0', remote('rp1')), dev.testdev('t0')],
      drives: base.drives,
    });
    const diff = diffLive(base, edited);
    expect(diff.restart.map((r) => [r.nodeIds[0], r.text])).toEqual([
      ['lsi0', 'lsi0 is changed in the main QEMU, whose devices are fixed while it runs'],
      ['vd0', 'vd0 is removed from the main QEMU, whose devices are fixed while it runs'],
      ['t0', 't0 is added to the main QEMU, whose devices are fixed while it runs'],
    ]);
  });

  it('refuses plugging live on q35, whose root bus takes no hot-plug', () => {
    const base = topo({ ...running(), vm: { machine: 'q35' } });
    const edited = topo({ ...base, devices: base.devices.filter((d) => d.id !== 'nic0') });
    const diff = diffLive(base, edited);
    expect(diff.live).toEqual([]);
    expect(diff.restart).toEqual([
      expect.objectContaining({ path: 'vm.machine', nodeIds: ['nic0', '$vm'] }),
    ]);
    expect(diff.restart[0]?.text).toContain('nic0 cannot be plugged or unplugged live on q35');
  });

  it('needs a VM restart when the plugs outnumber the spare channels left', () => {
    const base = running();
    const edited = topo({
      processes: [...base.processes, { id: 'rp2' }],
      devices: [...base.devices, dev.e1000e('nic1', remote('rp2'))],
      drives: base.drives,
    });
    expect(diffLive(base, edited, { sparesLeft: 0 }).restart).toEqual([
      {
        path: 'vm.spareChannels',
        nodeIds: ['$vm'],
        text: 'these changes plug 1 device but the running VM has 0 spare channels left; restart the VM to get new ones',
      },
    ]);
  });

  it('applies a changed restart policy live', () => {
    const base = running();
    const edited = topo({
      ...base,
      processes: [{ id: 'rp0', restart: { mode: 'never' } }, { id: 'rp1' }],
    });
    expect(diffLive(base, edited).live).toEqual([
      expect.objectContaining({ kind: 'restart-policy', process: 'rp0' }),
    ]);
  });
});

describe('version 3 documents', () => {
  it('migrates a version 2 document: on-failure restarts and default spares', () => {
    const r = loadTopology({
      version: 2,
      vm: {
        name: 'v2',
        machine: 'pc',
        accel: 'tcg',
        cpus: 1,
        memoryMiB: 128,
        boot: { kind: 'none' },
      },
      processes: [{ id: 'rp0' }],
      devices: [],
      drives: [],
    });
    expect(r.ok && r.migratedFrom).toBe(2);
    expect(r.ok && r.topology.processes[0]?.restart).toEqual({
      mode: 'on-failure',
      maxRestarts: 3,
      windowSeconds: 60,
      backoffMs: 200,
    });
    expect(r.ok && r.topology.vm.spareChannels).toBe(4);
  });

  it('names a bad restart policy field and what is allowed', () => {
    const r = loadTopology({
      version: 3,
      vm: {
        name: 'v',
        machine: 'pc',
        accel: 'tcg',
        cpus: 1,
        memoryMiB: 128,
        boot: { kind: 'none' },
      },
      processes: [{ id: 'rp0', restart: { mode: 'on-failure', maxRestarts: 0 } }],
      devices: [],
      drives: [],
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]?.path).toBe('processes[0].restart.maxRestarts');
  });
});
