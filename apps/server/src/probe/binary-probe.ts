/**
 * What the QEMU binary says about itself through its `help` outputs. This is the part of the probe
 * the cache keeps: it depends only on the binary (and the host's memory, which is read again).
 */
import { readFile } from 'node:fs/promises';
import { DEVICE_MODELS } from '@mpqemu/shared';
import { runCommand } from '../runtime/run-command.ts';
import {
  parseAccels,
  parseDevices,
  parseMachines,
  parseMemTotalMiB,
  parseObjectTypes,
  parseProperties,
  parseVersion,
} from './parse.ts';

export interface BinaryProbe {
  /** Absolute real path of the binary. */
  binary: string;
  /** The first line of `-version`, as printed: part of the cache key. */
  versionLine: string;
  version: string | null;
  remote: boolean;
  memfd: boolean;
  sandbox: boolean;
  machines: string[];
  devices: string[];
  tcg: boolean;
  /** The binary has the kvm accelerator; whether it can boot a guest is the KVM check's job. */
  kvm: boolean;
  /** Properties of the catalogue's models, as this binary lists them. */
  deviceProperties: Record<string, string[]>;
  /** Properties of x-pci-proxy-dev: the channel is `fd` on 7.2 (not `socket=` as the doc says). */
  proxyProperties: string[];
  durationMs: number;
  probedAt: number;
}

async function help(binary: string, args: string[], timeout: number): Promise<string> {
  const result = await runCommand([binary, ...args], { timeoutMs: timeout });
  return `${result.stdout}\n${result.stderr}`;
}

/** The host's RAM in MiB, or null when /proc/meminfo cannot tell. */
export async function hostMemoryMiB(): Promise<number | null> {
  try {
    return parseMemTotalMiB(await readFile('/proc/meminfo', 'utf8'));
  } catch {
    return null;
  }
}

/** The first line of `binary -version`: cheap enough to run on every command, unlike the probe. */
export async function versionLine(binary: string, timeout: number): Promise<string> {
  const out = await help(binary, ['-version'], timeout);
  return out.trim().split('\n')[0]?.trim() ?? '';
}

/** Asks the binary at `path` (absolute, already resolved) for everything but the KVM check. */
export async function probeBinary(path: string, timeout: number): Promise<BinaryProbe> {
  const started = performance.now();
  const run = (...args: string[]): Promise<string> => help(path, args, timeout);
  const [version, machines, devices, proxy, objects, accels, sandbox] = await Promise.all([
    run('-version'),
    run('-machine', 'help'),
    run('-device', 'help'),
    run('-device', 'x-pci-proxy-dev,help'),
    run('-object', 'help'),
    run('-accel', 'help'),
    // -version exits while options are parsed, so this only tells whether the -sandbox group
    // exists (seccomp compiled in); every launch then really installs the filter.
    runCommand([path, '-sandbox', 'on', '-version'], { timeoutMs: timeout }),
  ]);
  const deviceList = parseDevices(devices);
  const accelList = parseAccels(accels);
  const proxyProperties = parseProperties(proxy);
  const objectTypes = parseObjectTypes(objects);
  const machineList = parseMachines(machines);
  const catalogueModels = DEVICE_MODELS.map((m) => m.model).filter((m) => deviceList.includes(m));
  const props = await Promise.all(
    catalogueModels.map((m) => run('-device', `${m},help`).then(parseProperties)),
  );
  return {
    binary: path,
    versionLine: version.trim().split('\n')[0]?.trim() ?? '',
    version: parseVersion(version),
    remote:
      machineList.includes('x-remote') &&
      deviceList.includes('x-pci-proxy-dev') &&
      proxyProperties.includes('fd') &&
      objectTypes.includes('x-remote-object'),
    memfd: objectTypes.includes('memory-backend-memfd'),
    sandbox: sandbox.code === 0,
    machines: machineList,
    devices: deviceList,
    tcg: accelList.includes('tcg'),
    kvm: accelList.includes('kvm'),
    deviceProperties: Object.fromEntries(catalogueModels.map((m, i) => [m, props[i] ?? []])),
    proxyProperties,
    durationMs: Math.round(performance.now() - started),
    probedAt: Date.now(),
  };
}
