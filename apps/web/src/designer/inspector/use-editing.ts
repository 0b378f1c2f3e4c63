import { renameId, type Device, type Drive, type Topology } from '@mpqemu/shared';
import { useMemo } from 'react';
import { useDesignerStore } from '../store/context.tsx';

/** Edits of one node's fields, merged per field into one undo step while typing. */
export function useEditing() {
  const store = useDesignerStore();
  return useMemo(() => {
    const edit = (change: (t: Topology) => Topology, key?: string) =>
      store.getState().edit(change, key);
    return {
      edit,
      /** `field` null: a discrete action (add, remove) that is always its own undo step. */
      device: (id: string, field: string | null, change: (d: Device) => Device) =>
        edit(
          (t) => ({ ...t, devices: t.devices.map((d) => (d.id === id ? change(d) : d)) }),
          field === null ? undefined : `${id}.${field}`,
        ),
      drive: (id: string, field: string | null, change: (d: Drive) => Drive) =>
        edit(
          (t) => ({ ...t, drives: t.drives.map((d) => (d.id === id ? change(d) : d)) }),
          field === null ? undefined : `${id}.${field}`,
        ),
      vm: (field: string, change: (vm: Topology['vm']) => Topology['vm']) =>
        edit((t) => ({ ...t, vm: change(t.vm) }), `vm.${field}`),
      /** Returns why the rename was refused, or null when done. */
      rename: (from: string, to: string): string | null => {
        const result = renameId(store.getState().topology, from, to);
        if (!result.ok) return result.reason;
        edit(() => result.topology);
        store.getState().select([to]);
        return null;
      },
      select: (id: string) => store.getState().select([id]),
    };
  }, [store]);
}
