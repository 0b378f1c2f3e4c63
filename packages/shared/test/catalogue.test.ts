import { describe, expect, it } from 'vitest';
import {
  DEVICE_MODELS,
  DeviceSchema,
  DRIVE_MODELS,
  deviceModel,
  driveModel,
  isValidId,
  nextFreeId,
} from '../src/index.ts';

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

  it('records the proxy facts measured on QEMU 7.2 (mpqemu doctor, pc and q35)', () => {
    const status = Object.fromEntries(DEVICE_MODELS.map((m) => [m.model, m.proxy.status]));
    expect(status).toEqual({
      lsi53c895a: 'verified',
      e1000e: 'verified',
      'virtio-blk-pci': 'verified',
      nvme: 'unsupported',
      megasas: 'verified',
      'virtio-scsi-pci': 'verified',
      'virtio-net-pci': 'verified',
      'pci-testdev': 'verified',
    });
    const nvme = deviceModel('nvme')?.proxy;
    expect(nvme?.status === 'unsupported' && nvme.reason).toContain('MSI-X');
  });

  it('accepts on each bus only drives made for that bus', () => {
    for (const m of DEVICE_MODELS) {
      for (const d of m.accepts?.drives ?? []) expect(driveModel(d)?.bus).toBe(m.accepts?.bus);
    }
    expect(DRIVE_MODELS.filter((d) => d.forcedReadOnly).map((d) => d.model)).toEqual(['scsi-cd']);
    expect(deviceModel('lsi53c895a')?.accepts).toMatchObject({ maxScsiId: 6, maxLun: 0 });
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
