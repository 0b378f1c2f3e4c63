import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage, useTRPC, useTRPCClient } from '../api/index.ts';
import { useDesignerStore } from '../designer/store/context.tsx';
import { firstDocument } from './first-document.ts';

/**
 * Opens the first document (`firstDocument`: a saved topology, or the `rich` sample as a
 * template) and follows the host's capabilities. Returns whether the first document is in.
 */
export function useBootstrap(): boolean {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const store = useDesignerStore();
  const [ready, setReady] = useState(false);
  const caps = useQuery(trpc.capabilities.get.queryOptions(undefined, { staleTime: 60_000 }));

  useEffect(() => {
    if (caps.data) store.getState().setCaps(caps.data);
  }, [caps.data, store]);

  useEffect(() => {
    // The cleanup may run while the loads below await.
    const cancel = new AbortController();
    void (async () => {
      try {
        const [list, samples] = await Promise.all([
          client.topologies.list.query(),
          client.topologies.samples.query(),
        ]);
        const params = new URLSearchParams(window.location.search);
        const { open, missing } = firstDocument(
          params,
          list,
          samples.map((s) => s.id),
        );
        const got =
          open.kind === 'saved' ? await client.topologies.get.query({ name: open.name }) : null;
        if (cancel.signal.aborted) return;
        if (missing !== null) store.getState().notify(missing, 'error');
        if (got) store.getState().load(got.topology, got.name);
        const sample = open.kind === 'sample' ? samples.find((s) => s.id === open.id) : undefined;
        // A template: nothing is written until Save, which asks for a name; Start needs no save.
        if (sample) store.getState().load(sample.topology, null, { template: sample.title });
      } catch (e) {
        if (!cancel.signal.aborted)
          store.getState().notify(`Cannot reach the server: ${errorMessage(e)}`, 'error');
      } finally {
        if (!cancel.signal.aborted) setReady(true);
      }
    })();
    return () => cancel.abort();
  }, [client, store]);
  return ready;
}
