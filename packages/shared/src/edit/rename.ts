import { ID_RULE_TEXT, isValidId } from '../ids.ts';
import type { Topology } from '../schema.ts';
import { allIds } from './id-prefix.ts';

export type RenameResult = { ok: true; topology: Topology } | { ok: false; reason: string };

/**
 * Renames a process, device or drive and every reference to it: device placements, drive
 * attachments, the boot drive and the canvas layout. Refuses an id QEMU would not take or one
 * already in use, since merging two nodes' references cannot be undone by renaming back.
 */
export function renameId(t: Topology, from: string, to: string): RenameResult {
  if (from === to) return { ok: true, topology: t };
  if (!isValidId(to)) return { ok: false, reason: `an id ${ID_RULE_TEXT}` };
  if (allIds(t).includes(to)) return { ok: false, reason: `"${to}" is already used` };
  const swap = (id: string) => (id === from ? to : id);
  const { [from]: pos, ...others } = t.layout;
  const layout = pos ? { ...others, [to]: pos } : t.layout;
  const boot = t.vm.boot;
  return {
    ok: true,
    topology: {
      ...t,
      vm: { ...t.vm, boot: boot.kind === 'disk' ? { ...boot, drive: swap(boot.drive) } : boot },
      processes: t.processes.map((p) => (p.id === from ? { ...p, id: to } : p)),
      devices: t.devices.map((d) => ({
        ...d,
        id: swap(d.id),
        placement:
          d.placement.kind === 'remote'
            ? { kind: 'remote', process: swap(d.placement.process) }
            : d.placement,
      })),
      drives: t.drives.map((d) => ({
        ...d,
        id: swap(d.id),
        attachedTo: d.attachedTo === null ? null : swap(d.attachedTo),
      })),
      layout,
    },
  };
}
