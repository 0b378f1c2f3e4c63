/**
 * The capability cache on the real QEMU: each service below stands for a new process (a new CLI
 * command or server start) reading the data directory that the previous one left.
 */
import { chmod, copyFile, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCapabilityService,
  findExecutable,
  KVM_NOT_CHECKED,
  type ProbeResult,
} from '../../src/probe/index.ts';

let dir: string;
let qemu: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpqemu-probe-cache-'));
  const found = await findExecutable('qemu-system-x86_64');
  if (!found) throw new Error('qemu-system-x86_64 is not installed');
  qemu = found;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const stepNames = (r: ProbeResult): string[] => r.probe.steps.map((s) => s.step);
const PROBED = 'probe the binary (help outputs)';
const KVM_STEP = 'kvm check (boot a guest under KVM)';
const TCG = { kvm: false };

/** A fresh service on `dataDir`, as a new process would create it; no KVM boot unless asked. */
function service(binary: string, dataDir: string) {
  return createCapabilityService(binary, { dataDir, kvmGuest: null, kvmTimeoutMs: 3_000 });
}

async function readCacheFile(dataDir: string): Promise<{ entries: Record<string, unknown>[] }> {
  return JSON.parse(await readFile(join(dataDir, 'capabilities.json'), 'utf8')) as {
    entries: Record<string, unknown>[];
  };
}

describe('capability cache', () => {
  it('probes once, then answers from the private cache file in a new process', async () => {
    const dataDir = join(dir, 'hit');
    const first = await service('qemu-system-x86_64', dataDir).get(TCG);
    expect(first.probe.source).toBe('probe');
    expect(stepNames(first)).toContain(PROBED);
    const file = await stat(join(dataDir, 'capabilities.json'));
    expect(file.mode & 0o777).toBe(0o600);

    const second = await service('qemu-system-x86_64', dataDir).get(TCG);
    expect(second.probe.source).toBe('cache');
    expect(stepNames(second)).not.toContain(PROBED);
    const { probe: a, ...capsA } = first;
    const { probe: b, ...capsB } = second;
    expect(capsB).toEqual(capsA);
    expect(b.probedAt).toBe(a.probedAt);
    expect(b.deviceProperties).toEqual(a.deviceProperties);
  });

  it('a TCG answer never runs the KVM boot check; a KVM one runs it once and caches it', async () => {
    const dataDir = join(dir, 'kvm');
    const tcg = await service('qemu-system-x86_64', dataDir).get(TCG);
    expect(stepNames(tcg)).not.toContain(KVM_STEP);
    expect(tcg.probe.kvm).toBeNull();
    if (tcg.accels.kvm.present) expect(tcg.accels.kvm.reason).toBe(KVM_NOT_CHECKED);

    const kvm = await service('qemu-system-x86_64', dataDir).get({ kvm: true });
    expect(kvm.probe.source).toBe('cache');
    expect(kvm.probe.kvm).not.toBeNull();
    if (kvm.accels.kvm.present) expect(stepNames(kvm)).toContain(KVM_STEP);

    const again = await service('qemu-system-x86_64', dataDir).get({ kvm: true });
    expect(stepNames(again)).not.toContain(KVM_STEP);
    expect(again.probe.kvm).toEqual(kvm.probe.kvm);
    expect(again.accels.kvm).toEqual(kvm.accels.kvm);
  });

  it('probes again when the binary changes: another path, then a new mtime', async () => {
    const dataDir = join(dir, 'binary');
    await service(qemu, dataDir).get(TCG);
    const copy = join(dir, 'qemu-copy');
    await copyFile(qemu, copy);
    await chmod(copy, 0o755);
    const onCopy = await service(copy, dataDir).get(TCG);
    expect(onCopy.probe.source).toBe('probe');
    expect(onCopy.binary).toBe(copy);
    expect((await service(copy, dataDir).get(TCG)).probe.source).toBe('cache');
    // The original's entry is kept beside the copy's.
    expect((await service(qemu, dataDir).get(TCG)).probe.source).toBe('cache');

    const later = new Date(Date.now() + 60_000);
    await utimes(copy, later, later);
    expect((await service(copy, dataDir).get(TCG)).probe.source).toBe('probe');
  });

  it('asks a wrapper script its version, and probes again when that changes', async () => {
    const dataDir = join(dir, 'wrapper');
    const wrapper = join(dir, 'qemu-wrapper');
    // Same length both times, same mtime restored: only the version tells the change.
    const script = (v: string) =>
      `#!/bin/sh\nif [ "$1" = -version ]; then echo "QEMU emulator version ${v}"; exit 0; fi\nexec ${qemu} "$@"\n`;
    await writeFile(wrapper, script('9.1.0'), { mode: 0o755 });
    const first = await service(wrapper, dataDir).get(TCG);
    expect(first.probe.source).toBe('probe');
    expect(first.version).toBe('9.1.0');
    const hit = await service(wrapper, dataDir).get(TCG);
    expect(hit.probe.source).toBe('cache');
    expect(stepNames(hit)).toContain('qemu -version (wrapper: cache key)');

    const { mtime, atime } = await stat(wrapper);
    await writeFile(wrapper, script('9.2.0'));
    await utimes(wrapper, atime, mtime);
    const changed = await service(wrapper, dataDir).get(TCG);
    expect(changed.probe.source).toBe('probe');
    expect(changed.version).toBe('9.2.0');
  });

  it('probes again when the kernel or /dev/kvm differ from the cached key', async () => {
    const dataDir = join(dir, 'host');
    await service(qemu, dataDir).get(TCG);
    const original = await readCacheFile(dataDir);
    const withKey = (change: (key: Record<string, unknown>) => void) => {
      const copy = structuredClone(original);
      const entry = copy.entries[0] as { key: Record<string, unknown> };
      change(entry.key);
      return writeFile(join(dataDir, 'capabilities.json'), JSON.stringify(copy));
    };
    await withKey((key) => (key.kernel = 'another-kernel-release'));
    expect((await service(qemu, dataDir).get(TCG)).probe.source).toBe('probe');
    await withKey((key) => {
      const kvm = key.kvm as { ino: number } | null;
      key.kvm = kvm
        ? { ...kvm, ino: kvm.ino + 1 }
        : { dev: 6, ino: 1, rdev: 1, mtimeMs: 0, mode: 0, uid: 0, gid: 0, usable: true };
    });
    expect((await service(qemu, dataDir).get(TCG)).probe.source).toBe('probe');
    // Unchanged, the same file is a hit: the two misses above came from the changed key.
    await writeFile(join(dataDir, 'capabilities.json'), JSON.stringify(original));
    expect((await service(qemu, dataDir).get(TCG)).probe.source).toBe('cache');
  });

  it('ignores a corrupt or forged cache file and replaces it', async () => {
    const dataDir = join(dir, 'corrupt');
    const good = await service(qemu, dataDir).get(TCG);
    const original = await readCacheFile(dataDir);
    const path = join(dataDir, 'capabilities.json');

    await writeFile(path, '{"format":1,"entries":[{"key":');
    expect((await service(qemu, dataDir).get(TCG)).probe.source).toBe('probe');
    expect((await readCacheFile(dataDir)).entries).toHaveLength(1);

    // Valid JSON, the right key, but a probe that lies in its types: not trusted.
    const forged = structuredClone(original);
    (forged.entries[0] as { probe: Record<string, unknown> }).probe.machines = 'pc';
    await writeFile(path, JSON.stringify(forged));
    const reprobed = await service(qemu, dataDir).get(TCG);
    expect(reprobed.probe.source).toBe('probe');
    expect(reprobed.machines).toEqual(good.machines);
  });

  it('refresh probes again and stores the new answer', async () => {
    const dataDir = join(dir, 'refresh');
    const svc = service(qemu, dataDir);
    const first = await svc.get(TCG);
    const fresh = await svc.refresh();
    expect(fresh.probe.source).toBe('refresh');
    expect(stepNames(fresh)).toContain(PROBED);
    expect(fresh.probe.probedAt).toBeGreaterThanOrEqual(first.probe.probedAt);
    expect(fresh.probe.kvm).not.toBeNull();
    const next = await service(qemu, dataDir).get({ kvm: true });
    expect(next.probe.source).toBe('cache');
    expect(next.probe.probedAt).toBe(fresh.probe.probedAt);
    expect(stepNames(next)).not.toContain(KVM_STEP);
  });
});
