import { readFileSync } from 'node:fs';
import {
  DEFAULT_RESTART_POLICY,
  loadTopologyText,
  resolveDocumentPaths,
  validate,
  type Topology,
} from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import { autoLayout } from '../layout/auto-layout.ts';
import { addDevice, addDrive } from './add.ts';
import { attachDrive, nextFreeScsiId } from './attach.ts';
import { emptyTopology } from './defaults.ts';
import { duplicateItem } from './duplicate.ts';
import { absolutePosition } from './frames.ts';
import { moveDevice } from './move.ts';
import { removeItems } from './remove.ts';
import { renameId } from './rename.ts';

function rich(): Topology {
  const dir = new URL('../../../../../examples/', import.meta.url);
  const text = readFileSync(new URL('rich.json', dir), 'utf8');
  const loaded = loadTopologyText(text);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  // The example has no layout; the store would fill it in exactly like this.
  const t = resolveDocumentPaths(loaded.topology, dir.pathname);
  return { ...t, layout: autoLayout(t) };
}

describe('adding devices', () => {
  it('creates a remote process around a device dropped on the canvas', () => {
    const added = addDevice(emptyTopology(), 'lsi53c895a', {
      kind: 'new-process',
      at: { x: -400, y: 10 },
    });
    expect(added?.id).toBe('lsi0');
    const t = added!.topology;
    expect(t.processes).toEqual([{ id: 'rp0', label: '', restart: DEFAULT_RESTART_POLICY }]);
    expect(t.devices[0]).toMatchObject({
      id: 'lsi0',
      family: 'storage',
      placement: { kind: 'remote', process: 'rp0' },
    });
    expect(t.layout.rp0).toEqual({ x: -400, y: 10 });
  });

  it('gives a NIC a user-mode backend and ids that avoid every existing id', () => {
    const t = rich();
    const added = addDevice(t, 'e1000e', { kind: 'main' })!;
    expect(added.id).toBe('nic1');
    expect(added.topology.devices.at(-1)).toMatchObject({
      family: 'net',
      backend: { type: 'user', hostForwards: [] },
    });
  });
});

describe('attaching drives', () => {
  it('gives a drive the next free SCSI id on the controller', () => {
    const t = rich(); // disk0 is lsi0's SCSI id 0
    const added = addDrive(t, 'scsi-hd', 'lsi0');
    const drive = added.topology.drives.find((d) => d.id === added.id);
    expect(drive).toMatchObject({ attachedTo: 'lsi0', scsiId: 1, lun: 0 });
  });

  it('skips the LSI initiator id 7 and reports a full bus', () => {
    let t = rich();
    for (let i = 0; i < 6; i++) t = addDrive(t, 'scsi-hd', 'lsi0').topology;
    expect(t.drives.filter((d) => d.attachedTo === 'lsi0').map((d) => d.scsiId)).toEqual([
      0, 1, 2, 3, 4, 5, 6,
    ]);
    expect(nextFreeScsiId(t, 'lsi0')).toBeUndefined();
  });

  it('drops the SCSI address when a drive moves to a drive-slot device, and keeps its place when detached', () => {
    const t = rich();
    const before = absolutePosition(t, 'disk0');
    const detached = attachDrive(t, 'disk0', null);
    expect(detached.drives.find((d) => d.id === 'disk0')).toEqual({
      id: 'disk0',
      model: 'scsi-hd',
      image: expect.any(Object) as unknown,
      attachedTo: null,
    });
    expect(absolutePosition(detached, 'disk0')).toEqual(before);
  });
});

describe('moving devices', () => {
  it('changes placement and takes attached drives along', () => {
    const t = rich();
    const offset = {
      x: t.layout.disk0!.x - t.layout.lsi0!.x,
      y: t.layout.disk0!.y - t.layout.lsi0!.y,
    };
    const moved = moveDevice(t, 'lsi0', { kind: 'main' }, { x: 300, y: 80 });
    expect(moved.devices.find((d) => d.id === 'lsi0')?.placement).toEqual({ kind: 'main' });
    expect(moved.layout.disk0).toEqual({ x: 300 + offset.x, y: 80 + offset.y });
  });

  it('fixes a second device in a remote process by moving it out', () => {
    let t = rich();
    t = addDevice(t, 'pci-testdev', { kind: 'remote', process: 'rp0' })!.topology;
    expect(validate(t).some((p) => p.code === 'remote.multiple-devices')).toBe(true);
    t = moveDevice(t, 'testdev0', { kind: 'main' }, { x: 20, y: 64 });
    expect(validate(t).some((p) => p.code === 'remote.multiple-devices')).toBe(false);
  });
});

describe('renaming', () => {
  it('updates placements, attachments, the boot drive and the layout', () => {
    let t = rich();
    t = { ...t, vm: { ...t.vm, boot: { kind: 'disk', drive: 'disk0' } } };
    const r1 = renameId(t, 'rp0', 'scsi-proc');
    const r2 = r1.ok ? renameId(r1.topology, 'lsi0', 'hba') : r1;
    const r3 = r2.ok ? renameId(r2.topology, 'disk0', 'root') : r2;
    if (!r3.ok) throw new Error(r3.reason);
    const out = r3.topology;
    expect(out.devices.find((d) => d.id === 'hba')?.placement).toEqual({
      kind: 'remote',
      process: 'scsi-proc',
    });
    expect(out.drives.find((d) => d.id === 'root')?.attachedTo).toBe('hba');
    expect(out.vm.boot).toEqual({ kind: 'disk', drive: 'root' });
    expect(Object.keys(out.layout)).toEqual(expect.arrayContaining(['scsi-proc', 'hba', 'root']));
    expect(out.layout.lsi0).toBeUndefined();
    expect(validate(out).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('refuses a taken id and one QEMU would not accept', () => {
    expect(renameId(rich(), 'lsi0', 'nic0')).toEqual({
      ok: false,
      reason: '"nic0" is already used',
    });
    expect(renameId(rich(), 'lsi0', 'a,b').ok).toBe(false);
  });
});

describe('removing and duplicating', () => {
  it('removes a process with its device and drives', () => {
    const t = removeItems(rich(), ['rp0']);
    expect(t.processes.map((p) => p.id)).toEqual(['rp1', 'rp2']);
    expect(t.devices.some((d) => d.id === 'lsi0')).toBe(false);
    expect(t.drives.some((d) => d.id === 'disk0')).toBe(false);
    expect(t.layout.disk0).toBeUndefined();
  });

  it('gives a duplicated proxied device its own process and no MAC', () => {
    const dup = duplicateItem(rich(), 'nic0')!;
    const copy = dup.topology.devices.find((d) => d.id === dup.id)!;
    expect(copy.placement).toEqual({ kind: 'remote', process: 'rp3' });
    expect(copy).not.toHaveProperty('mac');
    expect(copy).not.toHaveProperty('slot');
    expect(validate(dup.topology).filter((p) => p.severity === 'error')).toEqual([]);
  });
});
