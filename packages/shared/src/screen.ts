import type { Topology } from './schema.ts';

/**
 * Whether the VM has a screen: a display device in the main QEMU, which the plan then serves over
 * VNC on the run's socket. (The validator keeps displays out of remote processes.)
 */
export function hasScreen(topology: Pick<Topology, 'devices'>): boolean {
  return topology.devices.some((d) => d.family === 'display' && d.placement.kind === 'main');
}
