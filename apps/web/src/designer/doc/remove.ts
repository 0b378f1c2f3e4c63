import { VM_NODE_ID, type Topology } from '@mpqemu/shared';
import { withoutLayout } from './frames.ts';

/**
 * Removes nodes and what is drawn inside them: a process takes its devices, a device its
 * drives. The VM cannot be removed. A boot drive that goes away is left referenced, so the
 * validator says so instead of the boot source silently changing.
 */
export function removeItems(t: Topology, ids: readonly string[]): Topology {
  const gone = new Set(ids.filter((id) => id !== VM_NODE_ID));
  for (const d of t.devices) {
    if (d.placement.kind === 'remote' && gone.has(d.placement.process)) gone.add(d.id);
  }
  for (const d of t.drives) if (d.attachedTo !== null && gone.has(d.attachedTo)) gone.add(d.id);
  if (gone.size === 0) return t;
  return withoutLayout(
    {
      ...t,
      processes: t.processes.filter((p) => !gone.has(p.id)),
      devices: t.devices.filter((d) => !gone.has(d.id)),
      drives: t.drives.filter((d) => !gone.has(d.id)),
    },
    gone,
  );
}
