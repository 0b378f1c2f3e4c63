import { DEFAULT_CAPABILITIES, type Capabilities, type Topology } from '@mpqemu/shared';
import { loadConfig } from '../config.ts';
import { probeCapabilities } from '../probe/index.ts';

/**
 * The host's QEMU as the server would see it (MPQEMU_QEMU honoured). The KVM boot check is
 * skipped for TCG topologies: it costs seconds and says nothing about them.
 */
export async function hostCapabilities(topology: Topology): Promise<Capabilities> {
  const config = loadConfig([], process.env);
  if (config === 'help') return DEFAULT_CAPABILITIES;
  return probeCapabilities(config.qemu, topology.vm.accel === 'tcg' ? { kvmGuest: null } : {});
}
