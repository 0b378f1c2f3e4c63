import { DEFAULT_SPARE_CHANNELS, TOPOLOGY_VERSION, type Topology } from '@mpqemu/shared';

/** The document a fresh designer starts from when the server offers nothing. */
export function emptyTopology(): Topology {
  return {
    version: TOPOLOGY_VERSION,
    vm: {
      name: 'untitled',
      machine: 'pc',
      accel: 'tcg',
      cpus: 1,
      memoryMiB: 256,
      boot: { kind: 'none' },
      serial: true,
      spareChannels: DEFAULT_SPARE_CHANNELS,
    },
    processes: [],
    devices: [],
    drives: [],
    layout: {},
  };
}
