import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '@mpqemu/server/router';

/**
 * `useTRPC()` gives query/mutation/subscription option factories for TanStack Query:
 * `useQuery(trpc.topologies.list.queryOptions())`, `useMutation(trpc.runs.start.mutationOptions())`,
 * `useSubscription(trpc.runs.events.subscriptionOptions({ runId }))`.
 * `useTRPCClient()` gives the plain client for imperative calls (console keystrokes).
 */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
