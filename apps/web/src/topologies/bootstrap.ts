import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorMessage, useTRPC, useTRPCClient } from '../api/index.ts';
import { useDesignerStore } from '../designer/store/context.tsx';

/**
 * Opens the store's first topology (the server seeds one), else the first sample, and follows
 * the host's capabilities. Returns whether the first document is in.
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
        // `?topology=NAME` opens that one (links from the CLI, the tests); else the first saved.
        const wanted = new URLSearchParams(window.location.search).get('topology');
        const list = await client.topologies.list.query();
        const first = list.find((item) => item.ok && (wanted === null || item.name === wanted));
        if (wanted !== null && !first)
          store.getState().notify(`There is no topology named "${wanted}"`, 'error');
        const pick = first ?? list.find((item) => item.ok);
        if (pick) {
          const got = await client.topologies.get.query({ name: pick.name });
          if (!cancel.signal.aborted) store.getState().load(got.topology, got.name);
          return;
        }
        const samples = await client.topologies.samples.query();
        const sample = samples[0];
        if (sample && !cancel.signal.aborted) store.getState().load(sample.topology, null);
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
