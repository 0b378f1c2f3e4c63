import type { Capabilities, Topology } from '@mpqemu/shared';
import { loadConfig, type Config } from '../config.ts';
import { createCapabilityService, type CapabilityService } from '../probe/index.ts';
import type { ProbeResult } from '../probe/index.ts';

/** The server's settings (MPQEMU_* honoured) and the capability service of their QEMU. */
export interface HostSession {
  config: Config;
  service: CapabilityService;
}

/** The settings and what the host's QEMU can do under them, as `up` needs them. */
export interface Host {
  config: Config;
  caps: Capabilities;
}

/**
 * Reads the settings once and starts the probe of their QEMU right away, so that it overlaps
 * with reading the topology file. The probe shares the server's cache in the data directory.
 * Throws ConfigError for a bad MPQEMU_* value.
 */
export function openHost(): HostSession {
  // No argv: the CLI's own flags are not the server's, so `help` cannot come back.
  const config = loadConfig([], process.env);
  if (config === 'help') throw new Error('unreachable: loadConfig returned help without argv');
  const service = createCapabilityService(config.qemu, {
    dataDir: config.dataDir,
    isolation: config.isolation,
  });
  // Only warms the cache: the real request below says whether KVM matters. Its failure (no
  // QEMU) is reported by that request.
  service.get({ kvm: false }).catch(() => undefined);
  return { config, service };
}

/**
 * The capabilities for `topology`. The KVM boot check costs seconds and says nothing about a TCG
 * topology, so it runs only for one that asks for KVM. Throws QemuNotFoundError when there is no
 * QEMU.
 */
export function capabilitiesFor(session: HostSession, topology: Topology): Promise<ProbeResult> {
  return session.service.get({ kvm: topology.vm.accel === 'kvm' });
}
