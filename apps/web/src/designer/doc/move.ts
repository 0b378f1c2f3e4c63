import type { Placement, Position, Topology } from '@mpqemu/shared';
import { relativePosition } from './frames.ts';

/**
 * Moves a device to another placement (the VM or a remote process) at `position` in the new
 * container's frame. Its drives go with it, keeping their offset from the device, because the
 * planner starts a controller's drives in the controller's process.
 */
export function moveDevice(
  t: Topology,
  deviceId: string,
  placement: Placement,
  position: Position,
): Topology {
  const device = t.devices.find((d) => d.id === deviceId);
  if (!device) return t;
  const old = relativePosition(t, deviceId);
  const layout = { ...t.layout, [deviceId]: position };
  for (const drive of t.drives) {
    if (drive.attachedTo !== deviceId) continue;
    const p = relativePosition(t, drive.id);
    layout[drive.id] = { x: p.x - old.x + position.x, y: p.y - old.y + position.y };
  }
  return {
    ...t,
    devices: t.devices.map((d) => (d.id === deviceId ? { ...d, placement } : d)),
    layout,
  };
}
