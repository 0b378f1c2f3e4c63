import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import type { AppRouter } from '@mpqemu/server/router';

/** Same origin as the page: the server serves both the app and `/trpc`. */
const TRPC_PATH = '/trpc';

/**
 * The tRPC client of the app. Subscriptions go over SSE (the server refuses WebSocket upgrades);
 * queries and mutations are batched. Both send the session cookie, which is HttpOnly and set by
 * the server, so the page never handles the token itself.
 */
export function createApiClient(baseUrl: string = TRPC_PATH) {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: baseUrl, eventSourceOptions: { withCredentials: true } }),
        false: httpBatchLink({
          url: baseUrl,
          fetch: (input, init) =>
            fetch(input, { ...init, signal: init?.signal ?? null, credentials: 'same-origin' }),
        }),
      }),
    ],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;
