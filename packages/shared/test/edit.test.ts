import { describe, expect, it } from 'vitest';
import {
  allIds,
  canAttach,
  canProxy,
  DEVICE_MODELS,
  DeviceSchema,
  DRIVE_MODELS,
  DriveSchema,
  idPrefix,
  isValidId,
  newDevice,
  newDrive,
  nextFreeScsiId,
  proxyRefusal,
  proxySupportText,
  renameId,
  validate,
} from '../src/index.ts';
import { dev, drive, MAIN, remote, topo } from './support/build.ts';

describe('new nodes', () => {
  it('gives every catalogue model a prefix that makes a valid id, and a schema-valid device', () => {
    for (const m of DEVICE_MODELS) {
      const id = `${idPrefix(m.model)}0`;
      expect(isValidId(id), m.model).toBe(true);
      expect(idPrefix(m.model), m.model).not.toBe('dev');
      const device = newDevice(m.model, id, MAIN);
      expect(device?.family, m.model).toBe(m.family);
      expect(DeviceSchema.safeParse(device).success, m.model).toBe(true);
    }
    expect(newDevice('e1000e', 'nic0', MAIN)).toMatchObject({
      backend: { type: 'user', hostForwards: [] },
    });
    expect(newDevice('not-a-model', 'x0', MAIN)).toBeNull();
    expect(idPrefix('not-a-model')).toBe('dev');
  });

  it('makes drives with their own prefixes; a CD starts read-only', () => {
    expect(DRIVE_MODELS.map((m) => idPrefix(m.model))).toEqual(['disk', 'cd', 'img']);
    expect(newDrive('scsi-cd', 'cd0').image.readOnly).toBe(true);
    expect(newDrive('scsi-hd', 'disk0')).toEqual({
      id: 'disk0',
      model: 'scsi-hd',
      image: { path: '', format: 'raw', readOnly: false },
      attachedTo: null,
    });
    expect(DriveSchema.safeParse(newDrive('disk-image', 'img0')).success).toBe(true);
  });

  it('lists processes, devices and drives in one id namespace', () => {
    const t = topo({
      processes: [{ id: 'rp0' }],
      devices: [dev.lsi('lsi0', remote('rp0'))],
      drives: [drive.hd('disk0', 'lsi0')],
    });
    expect(allIds(t)).toEqual(['rp0', 'lsi0', 'disk0']);
  });
});

describe('attaching drives', () => {
  const lsi = (drives: ReturnType<typeof drive.hd>[] = []) =>
    topo({ devices: [dev.lsi('lsi0'), dev.vblk('vblk0')], drives });

  it('takes the lowest free SCSI id, skipping the LSI initiator (7), until the bus is full', () => {
    expect(nextFreeScsiId(lsi([]), 'lsi0')).toBe(0);
    expect(
      nextFreeScsiId(lsi([drive.hd('d0', 'lsi0', 0), drive.hd('d2', 'lsi0', 2)]), 'lsi0'),
    ).toBe(1);
    const six = [0, 1, 2, 3, 4, 5].map((n) => drive.hd(`d${n}`, 'lsi0', n));
    expect(nextFreeScsiId(lsi(six), 'lsi0')).toBe(6);
    const full = lsi([...six, drive.hd('d6', 'lsi0', 6)]);
    expect(nextFreeScsiId(full, 'lsi0')).toBeUndefined();
    expect(canAttach(full, 'scsi-hd', 'lsi0')).toBe(false);
    // The drive being moved frees its own id.
    expect(nextFreeScsiId(full, 'lsi0', 'd3')).toBe(3);
    expect(canAttach(full, 'scsi-hd', 'lsi0', 'd3')).toBe(true);
  });

  it('accepts only the drive models the device takes, one image per drive slot', () => {
    const t = lsi([]);
    expect(canAttach(t, 'scsi-cd', 'lsi0')).toBe(true);
    expect(canAttach(t, 'disk-image', 'lsi0')).toBe(false);
    expect(canAttach(t, 'scsi-hd', 'vblk0')).toBe(false);
    expect(canAttach(t, 'disk-image', 'vblk0')).toBe(true);
    expect(nextFreeScsiId(t, 'vblk0')).toBeUndefined();
    const taken = topo({ devices: [dev.vblk('vblk0')], drives: [drive.image('img0', 'vblk0')] });
    expect(canAttach(taken, 'disk-image', 'vblk0')).toBe(false);
    expect(canAttach(taken, 'disk-image', 'vblk0', 'img0')).toBe(true);
    expect(canAttach(t, 'scsi-hd', 'nope')).toBe(false);
  });
});

describe('proxy rules', () => {
  it('refuses exactly the models the catalogue marks unsupported, with its reason', () => {
    for (const m of DEVICE_MODELS) {
      const unsupported = m.proxy.status === 'unsupported';
      expect(canProxy(m.model), m.model).toBe(!unsupported);
      expect(proxyRefusal(m.model) !== null, m.model).toBe(unsupported);
    }
    expect(proxyRefusal('nvme')).toMatch(/^nvme cannot run in a remote process: Uses MSI-X/);
    expect(proxySupportText('nvme')).toMatch(/^Cannot be proxied: Uses MSI-X/);
    expect(proxySupportText('lsi53c895a')).toMatch(
      /^Proxy verified: Proxied with a scsi-hd child; the guest enumerates it\./,
    );
    expect(proxySupportText('not-a-model')).toBeNull();
  });
});

describe('renaming', () => {
  const doc = () =>
    topo({
      vm: { boot: { kind: 'disk', drive: 'disk0' } },
      processes: [{ id: 'rp0' }],
      devices: [dev.lsi('lsi0', remote('rp0')), dev.e1000e('nic0')],
      drives: [drive.hd('disk0', 'lsi0')],
      layout: { rp0: { x: 1, y: 2 }, lsi0: { x: 3, y: 4 }, disk0: { x: 5, y: 6 } },
    });

  it('updates placements, attachments, the boot drive and the layout', () => {
    const r1 = renameId(doc(), 'rp0', 'scsi-proc');
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
    expect(out.layout).toEqual({
      'scsi-proc': { x: 1, y: 2 },
      hba: { x: 3, y: 4 },
      root: { x: 5, y: 6 },
    });
    expect(validate(out).filter((p) => p.severity === 'error')).toEqual(
      validate(doc()).filter((p) => p.severity === 'error'),
    );
  });

  it('refuses a taken id and one QEMU would not accept', () => {
    expect(renameId(doc(), 'lsi0', 'nic0')).toEqual({
      ok: false,
      reason: '"nic0" is already used',
    });
    const bad = renameId(doc(), 'lsi0', 'a,b');
    expect(bad.ok).toBe(false);
    expect(renameId(doc(), 'lsi0', 'lsi0')).toEqual({ ok: true, topology: doc() });
  });
});
