/**
 * What the host's QEMU can really do, asked of the binary itself (`help` outputs) and, for KVM, of
 * a real guest boot. The launcher validates every start against this, never against assumptions.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEVICE_MODELS, type Capabilities } from '@mpqemu/shared';
import { execa } from 'execa';
import { resolveQemu } from './binary.ts';
import { checkKvm, type KvmCheck, type KvmGuest } from './kvm.ts';
import {
  parseAccels,
  parseDevices,
  parseMachines,
  parseMemTotalMiB,
  parseObjectTypes,
  parseProperties,
  parseVersion,
} from './parse.ts';

export { QemuNotFoundError, findExecutable } from './binary.ts';
interface ProbeDetails {
  /** Absolute real path of the binary (also `binary`). */
  binaryPath: string;
  /** The name or path the probe was asked about. */
  requested: string;
  durationMs: number;
  probedAt: number;
  kvm: KvmCheck;
  /** Properties of the catalogue's models, as this binary lists them. */
  deviceProperties: Record<string, string[]>;
  /** Properties of x-pci-proxy-dev: the channel is `fd` on 7.2 (not `socket=` as the doc says). */
  proxyProperties: string[];
}

export interface ProbeResult extends Capabilities {
  probe: ProbeDetails;
}

export interface ProbeOptions {
  /** Kernel to boot for the KVM check; default: the repository's test guest when built. */
  kvmGuest?: KvmGuest | null;
  kvmTimeoutMs?: number;
  /** Per help command. */
  commandTimeoutMs?: number;
}

const REPO_GUEST_DIR = fileURLToPath(new URL('../../../../.cache/guest/', import.meta.url));

function defaultGuest(): KvmGuest | null {
  const kernel = `${REPO_GUEST_DIR}vmlinuz`;
  const initrd = `${REPO_GUEST_DIR}initrd.gz`;
  if (!existsSync(kernel) || !existsSync(initrd)) return null;
  // no_timer_check: on a loaded host the emulated timer can look broken to the kernel's boot
  // check, which then panics ("IO-APIC + timer doesn't work"); the examples boot the same way.
  return {
    kernel,
    initrd,
    append: 'console=ttyS0 quiet no_timer_check',
    banner: 'mpqemu-guest: booted',
  };
}

async function help(binary: string, args: string[], timeout: number): Promise<string> {
  const result = await execa(binary, args, { reject: false, timeout, stdin: 'ignore' });
  return `${result.stdout}\n${result.stderr}`;
}

async function hostMemoryMiB(): Promise<number | null> {
  try {
    return parseMemTotalMiB(await readFile('/proc/meminfo', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Probes `binary` (a name on PATH or a path). Throws QemuNotFoundError, whose message carries the
 * install command, when there is no such executable.
 */
export async function probeCapabilities(
  binary: string,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const started = performance.now();
  const path = await resolveQemu(binary);
  const timeout = options.commandTimeoutMs ?? 15_000;
  const run = (...args: string[]): Promise<string> => help(path, args, timeout);
  const guest = options.kvmGuest === undefined ? defaultGuest() : options.kvmGuest;

  const [version, machines, devices, proxy, objects, accels, sandbox, memory] = await Promise.all([
    run('-version'),
    run('-machine', 'help'),
    run('-device', 'help'),
    run('-device', 'x-pci-proxy-dev,help'),
    run('-object', 'help'),
    run('-accel', 'help'),
    // -version exits while options are parsed, so this only tells whether the -sandbox group
    // exists (seccomp compiled in); every launch then really installs the filter.
    execa(path, ['-sandbox', 'on', '-version'], { reject: false, timeout, stdin: 'ignore' }),
    hostMemoryMiB(),
  ]);
  const deviceList = parseDevices(devices);
  const accelList = parseAccels(accels);
  const proxyProperties = parseProperties(proxy);
  const objectTypes = parseObjectTypes(objects);
  const kvmPresent = accelList.includes('kvm');

  const catalogueModels = DEVICE_MODELS.map((m) => m.model).filter((m) => deviceList.includes(m));
  const [kvm, ...props] = await Promise.all([
    kvmPresent
      ? checkKvm(path, guest, options.kvmTimeoutMs ?? 5_000)
      : Promise.resolve<KvmCheck>({
          usable: false,
          method: 'none',
          reason: `${path} was built without KVM`,
          durationMs: 0,
        }),
    ...catalogueModels.map((m) => run('-device', `${m},help`).then(parseProperties)),
  ]);
  const deviceProperties = Object.fromEntries(catalogueModels.map((m, i) => [m, props[i] ?? []]));

  const machineList = parseMachines(machines);
  return {
    binary: path,
    version: parseVersion(version),
    remote:
      machineList.includes('x-remote') &&
      deviceList.includes('x-pci-proxy-dev') &&
      proxyProperties.includes('fd') &&
      objectTypes.includes('x-remote-object'),
    proxyChannel: 'fd',
    memfd: objectTypes.includes('memory-backend-memfd'),
    sandbox: sandbox.exitCode === 0,
    machines: machineList,
    devices: deviceList,
    accels: {
      tcg: accelList.includes('tcg')
        ? { present: true, usable: true }
        : { present: false, usable: false, reason: `${path} was built without TCG` },
      kvm: kvmPresent
        ? kvm.usable
          ? { present: true, usable: true }
          : { present: true, usable: false, reason: kvm.reason ?? 'unknown' }
        : { present: false, usable: false, reason: kvm.reason ?? 'not in this QEMU' },
    },
    hostMemoryMiB: memory,
    probe: {
      binaryPath: path,
      requested: binary,
      durationMs: Math.round(performance.now() - started),
      probedAt: Date.now(),
      kvm,
      deviceProperties,
      proxyProperties,
    },
  };
}

export interface CapabilityService {
  /** The cached probe, probing on first use (concurrent callers share one probe). */
  get: () => Promise<ProbeResult>;
  /** Probes again and replaces the cache. */
  refresh: () => Promise<ProbeResult>;
}

/** Caches probeCapabilities; a failed probe is not cached, so installing QEMU fixes it live. */
export function createCapabilityService(
  binary: string,
  options: ProbeOptions = {},
): CapabilityService {
  let current: Promise<ProbeResult> | null = null;
  const refresh = (): Promise<ProbeResult> => {
    const attempt = probeCapabilities(binary, options);
    current = attempt;
    attempt.catch(() => {
      if (current === attempt) current = null;
    });
    return attempt;
  };
  return { get: () => current ?? refresh(), refresh };
}
