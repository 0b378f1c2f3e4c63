import type { Capabilities, Topology } from '@mpqemu/shared';
import { loadConfig, type Config } from '../config.ts';
import { probeCapabilities } from '../probe/index.ts';

/** The server's settings (MPQEMU_* honoured) and what the host's QEMU can do under them. */
export interface Host {
  config: Config;
  caps: Capabilities;
}

/**
 * Reads the settings once and probes their QEMU. Throws ConfigError for a bad MPQEMU_* value and
 * QemuNotFoundError when there is no QEMU. The KVM boot check is skipped for TCG topologies: it
 * costs seconds and says nothing about them.
 */
export async function probeHost(topology: Topology): Promise<Host> {
  // No argv: the CLI's own flags are not the server's, so `help` cannot come back.
  const config = loadConfig([], process.env);
  if (config === 'help') throw new Error('unreachable: loadConfig returned help without argv');
  const caps = await probeCapabilities(
    config.qemu,
    topology.vm.accel === 'tcg' ? { kvmGuest: null } : {},
  );
  return { config, caps };
}
