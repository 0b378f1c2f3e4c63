import type { Topology } from '@mpqemu/shared';
import { useQueryClient } from '@tanstack/react-query';
import { isTRPCClientError } from '@trpc/client';
import { useMemo } from 'react';
import { errorMessage, useTRPC, useTRPCClient } from '../api/index.ts';
import { useDesignerStore } from '../designer/store/context.tsx';
import { isDirty, type DesignerState } from '../designer/store/store.ts';
import { confirmDialog, promptDialog } from '../shell/dialogs.tsx';

const needName = (v: string) => (v.trim() === '' ? 'Enter a name' : null);

function isConflict(e: unknown): boolean {
  return isTRPCClientError(e) && (e.data as { code?: string } | undefined)?.code === 'CONFLICT';
}

/**
 * Open, save, save as, rename, delete against the server's store, plus import and export of a
 * file. Every action that would replace the document asks first when there are unsaved changes.
 */
export function useTopologyFiles() {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const store = useDesignerStore();

  return useMemo(() => {
    const refreshList = () => qc.invalidateQueries({ queryKey: trpc.topologies.list.queryKey() });
    const notify = (text: string, tone?: 'info' | 'error') => store.getState().notify(text, tone);
    const mayDiscard = async () =>
      !isDirty(store.getState()) ||
      confirmDialog({
        title: 'Discard unsaved changes?',
        body: `The changes to ${store.getState().name ?? 'this untitled topology'} have not been saved.`,
        confirm: 'Discard changes',
        danger: true,
      });

    const write = async (name: string, overwrite: boolean): Promise<boolean> => {
      const topology = store.getState().topology;
      try {
        await client.topologies.save.mutate({ name, topology, overwrite });
      } catch (e) {
        if (!overwrite && isConflict(e)) {
          const ok = await confirmDialog({
            title: 'Replace topology?',
            body: `A topology named "${name}" already exists.`,
            confirm: 'Replace',
            danger: true,
          });
          return ok ? write(name, true) : false;
        }
        notify(`Not saved: ${errorMessage(e)}`, 'error');
        return false;
      }
      store.getState().markSaved(name, topology);
      void refreshList();
      notify(`Saved "${name}"`);
      return true;
    };

    const saveAs = async (): Promise<boolean> => {
      const s = store.getState();
      const name = await promptDialog({
        title: 'Save topology as',
        label: 'Name',
        initial: s.name ?? (s.topology.vm.name === 'untitled' ? '' : s.topology.vm.name),
        confirm: 'Save',
        check: needName,
      });
      return name === null ? false : write(name.trim(), false);
    };

    return {
      open: async (name: string) => {
        if (!(await mayDiscard())) return;
        try {
          const got = await client.topologies.get.query({ name });
          store.getState().load(got.topology, got.name);
        } catch (e) {
          notify(`Cannot open "${name}": ${errorMessage(e)}`, 'error');
        }
      },
      /**
       * A new unsaved document: empty (`template` null) or a copy of the example titled
       * `template`. The example itself is never written: Save asks for a name.
       */
      newDocument: async (topology: Topology, template: string | null) => {
        if (!(await mayDiscard())) return;
        store.getState().load(topology, null, { template });
      },
      save: () => {
        const { name } = store.getState();
        return name === null ? saveAs() : write(name, true);
      },
      saveAs,
      rename: async () => {
        const { name } = store.getState();
        if (name === null) return;
        const to = await promptDialog({
          title: `Rename "${name}"`,
          label: 'New name',
          initial: name,
          confirm: 'Rename',
          check: needName,
        });
        if (to === null || to.trim() === name) return;
        try {
          await client.topologies.rename.mutate({ from: name, to: to.trim() });
          store.setState({ name: to.trim() });
          void refreshList();
        } catch (e) {
          notify(`Not renamed: ${errorMessage(e)}`, 'error');
        }
      },
      remove: async () => {
        const { name } = store.getState();
        if (name === null) return;
        const ok = await confirmDialog({
          title: `Delete "${name}"?`,
          body: 'The saved file is removed from the server. The canvas keeps the design as an unsaved document.',
          confirm: 'Delete',
          danger: true,
        });
        if (!ok) return;
        try {
          await client.topologies.delete.mutate({ name });
          // The design stays on screen, now unsaved: deleting the file must not lose the work.
          store.setState({ name: null, savedJson: '' });
          void refreshList();
          notify(`Deleted "${name}"`);
        } catch (e) {
          notify(`Not deleted: ${errorMessage(e)}`, 'error');
        }
      },
      /** Opens an imported document (command lines or JSON) as unsaved, after the discard check. */
      importDocument: async (
        topology: Topology,
        label: string,
        report: DesignerState['importReport'] = null,
      ): Promise<boolean> => {
        if (!(await mayDiscard())) return false;
        const noteworthy = report && report.issues.length + report.extraArgs.length > 0;
        store.getState().load(topology, null, {
          saved: false,
          importReport: noteworthy ? report : null,
        });
        notify(`Imported ${label} (not saved yet)`);
        return true;
      },
    };
  }, [client, trpc, qc, store]);
}
