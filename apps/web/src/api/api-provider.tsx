import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { RunsProvider } from '../runs/runs-provider.tsx';
import { createApiClient, type ApiClient } from './client.ts';
import { TRPCProvider } from './trpc.ts';

/** Defaults for a local tool: the server is next door, so retry little and refetch on focus. */
function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: 1, staleTime: 2_000 },
      mutations: { retry: false },
    },
  });
}

export interface ApiProviderProps {
  children: ReactNode;
  /** Tests inject their own; the app uses one per mounted provider. */
  queryClient?: QueryClient;
  client?: ApiClient;
  /** Follow the server's runs (one SSE stream). Off in tests that have no server. */
  liveRuns?: boolean;
}

/**
 * Provides TanStack Query, the typed tRPC hooks (`useTRPC`, `useTRPCClient`) and the live list of
 * runs (`useRuns`) to the app. Mount it once, around everything.
 */
export function ApiProvider({ children, queryClient, client, liveRuns = true }: ApiProviderProps) {
  // Created once per provider: a new client per render would drop every cache and subscription.
  const [qc] = useState(() => queryClient ?? createQueryClient());
  const [trpcClient] = useState(() => client ?? createApiClient());
  return (
    <QueryClientProvider client={qc}>
      <TRPCProvider trpcClient={trpcClient} queryClient={qc}>
        <RunsProvider live={liveRuns}>{children}</RunsProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
