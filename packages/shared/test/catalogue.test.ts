import { describe, expect, it } from 'vitest';
import {
  DEVICE_MODELS,
  DeviceSchema,
  driveModel,
  isValidId,
  nextFreeId,
  validate,
} from '../src/index.ts';
import { KVM_CAPS, MAIN, drive, remote, topo } from './support/build.ts';

describe('device catalogue', () => {
  it('the schema accepts every catalogue model in its own family and in no other', () => {
    const families = ['storage', 'block', 'net', 'other'] as const;
    for (const m of DEVICE_MODELS) {
      for (const family of families) {
        const device = {
          id: 'd0',
          family,
          model: m.model,
          placement: { kind: 'main' },
          ...(family === 'net' ? { backend: { type: 'user', hostForwards: [] } } : {}),
        };
        expect(DeviceSchema.safeParse(device).success, `${m.model} as ${family}`).toBe(
          family === m.family,
        );
      }
    }
    expect(DeviceSchema.safeParse({ id: 'd0', family: 'other', model: 'nope' }).success).toBe(
      false,
    );
  });

  it('holds only PCI devices, since only those can be proxied', () => {
    for (const m of DEVICE_MODELS) expect(m.pciId, m.model).toMatch(/^[0-9a-f]{4}:[0-9a-f]{4}$/);
  });

  it('says why of every model as a sentence (the validator puts the reason in its own)', () => {
    for (const m of DEVICE_MODELS) {
      const words = m.proxy.status === 'unsupported' ? m.proxy.reason : m.proxy.note;
      // The validator writes `${reason} Keep it in the main QEMU.`: a sentence of its own.
      expect(words, m.model).toMatch(/^[A-Z].*\.$/s);
    }
  });

  it('gives every model placed in a remote process the problem its proxy fact calls for', () => {
    for (const m of DEVICE_MODELS) {
      const device = DeviceSchema.parse({
        id: 'd0',
        family: m.family,
        model: m.model,
        placement: remote('rp0'),
        ...(m.family === 'net' ? { backend: { type: 'user', hostForwards: [] } } : {}),
      });
      const t = topo({ processes: [{ id: 'rp0' }], devices: [device] });
      const proxy = validate(t, KVM_CAPS).filter((p) => p.code.startsWith('proxy.'));
      const expected = {
        verified: [],
        untested: [{ severity: 'warning', code: 'proxy.untested', nodeIds: ['d0'] }],
        unsupported: [
          {
            severity: 'error',
            code: 'proxy.unsupported',
            message: `${m.model} cannot run in a remote process: ${m.proxy.status === 'unsupported' ? m.proxy.reason : ''} Keep it in the main QEMU.`,
            nodeIds: ['d0', 'rp0'],
          },
        ],
      }[m.proxy.status];
      expect(proxy, m.model).toMatchObject(expected);
      expect(proxy, m.model).toHaveLength(expected.length);
    }
  });

  it('accepts on each bus only drives made for that bus', () => {
    for (const m of DEVICE_MODELS) {
      for (const d of m.accepts?.drives ?? []) expect(driveModel(d)?.bus).toBe(m.accepts?.bus);
    }
  });

  it("holds a drive on each SCSI bus to that bus's ids and LUNs, reserved ids included", () => {
    for (const m of DEVICE_MODELS) {
      const bus = m.accepts;
      if (bus?.bus !== 'scsi') continue;
      const controller = { id: 'c0', family: m.family, model: m.model, placement: MAIN };
      const codes = (scsiId: number, lun: number) =>
        validate(
          topo({
            devices: [DeviceSchema.parse(controller)],
            drives: [drive.hd('d0', 'c0', scsiId, { lun })],
          }),
          KVM_CAPS,
        ).map((p) => p.code);
      const maxId = bus.maxScsiId ?? 0;
      const maxLun = bus.maxLun ?? 0;
      const reserved = bus.reservedScsiIds ?? [];
      const lastFree = Math.max(
        ...[...Array(maxId + 1).keys()].filter((i) => !reserved.includes(i)),
      );
      expect(codes(lastFree, maxLun), m.model).toEqual([]);
      expect(codes(maxId + 1, 0), m.model).toEqual(['drive.scsi-id-range']);
      for (const id of reserved) expect(codes(id, 0), m.model).toEqual(['drive.scsi-id-range']);
      expect(codes(lastFree, maxLun + 1), m.model).toEqual(['drive.lun-range']);
    }
  });
});

describe('ids', () => {
  it('follows QEMU id syntax, stricter: no dots, at most 24 characters', () => {
    expect(isValidId('a')).toBe(true);
    expect(isValidId('A-b_9')).toBe(true);
    expect(isValidId('a'.repeat(24))).toBe(true);
    expect(isValidId('a'.repeat(25))).toBe(false);
    for (const bad of ['', '0a', '-a', '_a', 'a.0', 'a b', 'a,b', 'a=b', 'é']) {
      expect(isValidId(bad), bad).toBe(false);
    }
  });

  it('finds the next free id of a prefix', () => {
    expect(nextFreeId('lsi', [])).toBe('lsi0');
    expect(nextFreeId('lsi', ['lsi0', 'lsi1', 'lsi3'])).toBe('lsi2');
  });
});
