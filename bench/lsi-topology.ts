/**
 * The benches' VM without a guest: `remotes` LSI controllers, each in its own device process, on a
 * pc machine under TCG with no boot source, so a figure measures launching, not booting.
 */
import { TopologySchema, type Topology } from '@mpqemu/shared';

export function lsiTopology(remotes: number, name = `bench-${remotes}`): Topology {
  const processes = Array.from({ length: remotes }, (_, i) => ({
    id: `rp${i}`,
    label: `remote ${i}`,
  }));
  return TopologySchema.parse({
    version: 3,
    vm: {
      name,
      machine: 'pc',
      accel: 'tcg',
      cpus: 1,
      memoryMiB: 128,
      boot: { kind: 'none' },
      serial: false,
    },
    processes,
    devices: processes.map((p, i) => ({
      id: `lsi${i}`,
      family: 'storage',
      model: 'lsi53c895a',
      placement: { kind: 'remote', process: p.id },
      slot: 5 + i,
    })),
    drives: [],
    layout: {},
  });
}
