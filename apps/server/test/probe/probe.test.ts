import { DEVICE_MODELS } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import {
  QemuNotFoundError,
  createCapabilityService,
  probeCapabilities,
  type ProbeResult,
} from '../../src/probe/index.ts';
import { ensureGuest } from '../runs/helpers.ts';

describe('probeCapabilities on the real QEMU', () => {
  let caps: ProbeResult;

  it('reports multi-process support, the fd channel, memfd, sandbox and the catalogue models', async () => {
    await ensureGuest();
    caps = await probeCapabilities('qemu-system-x86_64');
    expect(caps.binary).toBe('/usr/bin/qemu-system-x86_64');
    expect(caps.version).toMatch(/^7\.2(\.\d+)?$/);
    expect(caps.remote).toBe(true);
    expect(caps.proxyChannel).toBe('fd');
    expect(caps.probe.proxyProperties).toContain('fd');
    expect(caps.probe.proxyProperties).not.toContain('socket');
    expect(caps.memfd).toBe(true);
    expect(caps.sandbox).toBe(true);
    expect(caps.machines).toEqual(expect.arrayContaining(['pc', 'q35', 'x-remote']));
    for (const { model } of DEVICE_MODELS) expect(caps.devices).toContain(model);
    expect(caps.probe.deviceProperties.lsi53c895a).toContain('addr');
    expect(caps.accels.tcg).toEqual({ present: true, usable: true });
    expect(caps.hostMemoryMiB).toBeGreaterThan(0);
    expect(caps.probe.durationMs).toBeGreaterThan(0);
  });

  it('finds KVM present but not usable here, with the reason, after a real boot attempt', () => {
    // /dev/kvm exists and opens, but this host is a nested PVM host on which a kernel hangs.
    expect(caps.accels.kvm.present).toBe(true);
    expect(caps.accels.kvm.usable).toBe(false);
    expect(caps.probe.kvm?.method).toBe('kernel-boot');
    expect(caps.accels.kvm.reason).toContain('did not boot under KVM');
  });

  it('refuses a missing binary with the install command', async () => {
    const error = await probeCapabilities('qemu-system-nonexistent').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QemuNotFoundError);
    expect((error as Error).message).toBe(
      'QEMU binary "qemu-system-nonexistent" not found (not on PATH). Install it with: apt-get install qemu-system-x86',
    );
    const atPath = await probeCapabilities('/opt/none/qemu').catch((e: unknown) => e);
    expect((atPath as Error).message).toContain('no executable file at that path');
  });

  it('caches the probe and refreshes it on demand', async () => {
    const service = createCapabilityService('qemu-system-x86_64', {
      kvmGuest: null,
      kvmTimeoutMs: 500,
    });
    const [a, b] = await Promise.all([service.get(), service.get()]);
    expect(a).toBe(b);
    expect(await service.get()).toBe(a);
    const fresh = await service.refresh();
    expect(fresh).not.toBe(a);
    expect(fresh.probe.probedAt).toBeGreaterThanOrEqual(a.probe.probedAt);
    expect(await service.get()).toBe(fresh);

    const missing = createCapabilityService('qemu-system-nonexistent');
    await expect(missing.get()).rejects.toBeInstanceOf(QemuNotFoundError);
  });
});
