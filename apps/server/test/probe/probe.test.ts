import { constants } from 'node:fs';
import { access, readFile, realpath } from 'node:fs/promises';
import { DEVICE_MODELS } from '@mpqemu/shared';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  QemuNotFoundError,
  createCapabilityService,
  probeCapabilities,
  type ProbeResult,
} from '../../src/probe/index.ts';
import { ensureGuest } from '../support/guest.ts';

/** What the binary itself answers, read here without the probe's parsers. */
async function ask(binary: string, ...args: string[]): Promise<{ text: string; exitCode: number }> {
  const r = await execa(binary, args, { reject: false, stdin: 'ignore' });
  return { text: `${r.stdout}\n${r.stderr}`, exitCode: r.exitCode ?? -1 };
}

/** A `help` listing names one item per line, first word: is `name` one of them? */
function lists(text: string, name: string): boolean {
  return text.split('\n').some((line) =>
    line
      .trim()
      .split(/[\s,"]+/)
      .includes(name),
  );
}

// Only what must hold on any host (QEMU 7.2 to 11.x, with or without working KVM): the probe agrees
// with what the binary and the machine answer when asked directly.
describe('probeCapabilities on the real QEMU', () => {
  let caps: ProbeResult;

  it('reports the binary found on PATH and the version it prints', async () => {
    await ensureGuest();
    caps = await probeCapabilities('qemu-system-x86_64');
    const onPath = await execa('sh', ['-c', 'command -v qemu-system-x86_64']);
    expect(caps.binary).toBe(await realpath(onPath.stdout.trim()));
    expect(caps.probe.binaryPath).toBe(caps.binary);
    expect(caps.probe.requested).toBe('qemu-system-x86_64');

    const printed = /version (\d+\.\d+(?:\.\d+)?)/.exec((await ask(caps.binary, '--version')).text);
    expect(caps.version).toBe(printed?.[1]);
    expect(Number(caps.version?.split('.')[0])).toBeGreaterThanOrEqual(7);
    expect(caps.probe.durationMs).toBeGreaterThan(0);
  });

  it('reports machines, devices, multi-process support, memfd and sandbox as the binary lists them', async () => {
    const machines = (await ask(caps.binary, '-machine', 'help')).text;
    expect(caps.machines).toEqual(expect.arrayContaining(['pc', 'q35']));
    for (const m of caps.machines) expect(lists(machines, m)).toBe(true);

    const objects = (await ask(caps.binary, '-object', 'help')).text;
    expect(caps.memfd).toBe(lists(objects, 'memory-backend-memfd'));
    const sandbox = await ask(caps.binary, '-sandbox', 'on', '-version');
    expect(caps.sandbox).toBe(sandbox.exitCode === 0);

    const devices = (await ask(caps.binary, '-device', 'help')).text;
    for (const { model } of DEVICE_MODELS) {
      expect(caps.devices?.includes(model), model).toBe(lists(devices, model));
      // Every catalogue model is a PCI device: its properties, when present, include the slot.
      if (caps.devices?.includes(model))
        expect(caps.probe.deviceProperties[model]).toContain('addr');
    }
    expect(caps.remote).toBe(
      caps.machines.includes('x-remote') &&
        caps.devices?.includes('x-pci-proxy-dev') === true &&
        caps.probe.proxyProperties.includes('fd') &&
        lists(objects, 'x-remote-object'),
    );
    expect(caps.proxyChannel).toBe('fd');

    const meminfo = await readFile('/proc/meminfo', 'utf8');
    const kib = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1]);
    expect(caps.hostMemoryMiB).toBe(Math.floor(kib / 1024));
  });

  it('reports TCG and KVM as the binary and /dev/kvm allow, with a reason whenever one is unusable', async () => {
    const accels = (await ask(caps.binary, '-accel', 'help')).text;
    const { tcg, kvm } = caps.accels;
    expect(tcg.present).toBe(lists(accels, 'tcg'));
    expect(kvm.present).toBe(lists(accels, 'kvm'));
    for (const accel of [tcg, kvm]) {
      if (accel.usable) expect(accel.present).toBe(true);
      else expect(accel.reason).toMatch(/\S/);
    }
    expect(caps.probe.kvm?.usable).toBe(kvm.usable);
    if (!kvm.present) return;
    const devKvm = await access('/dev/kvm', constants.R_OK | constants.W_OK).then(
      () => true,
      () => false,
    );
    if (!devKvm) {
      expect(kvm.usable).toBe(false);
      expect(caps.probe.kvm?.method).toBe('none');
      expect(kvm.reason).toContain('/dev/kvm');
    } else {
      // The test guest is built (ensureGuest), so the check boots it rather than the firmware.
      expect(caps.probe.kvm?.method).toBe('kernel-boot');
    }
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
