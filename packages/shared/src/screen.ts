import { shellQuote } from './plan/render.ts';
import type { Topology } from './schema.ts';

/**
 * Whether the VM has a screen: a display device in the main QEMU, which the plan then serves over
 * VNC on the run's socket. (The validator keeps displays out of remote processes.)
 */
export function hasScreen(topology: Pick<Topology, 'devices'>): boolean {
  return topology.devices.some((d) => d.family === 'display' && d.placement.kind === 'main');
}

/**
 * The one line that opens a desktop viewer on a screen's socket: virt-viewer's `remote-viewer`
 * takes a unix socket as a `vnc+unix://` URI, so no TCP port is needed here either.
 */
export function viewerCommand(socket: string): string {
  return `remote-viewer ${shellQuote(`vnc+unix://${socket}`)}`;
}
