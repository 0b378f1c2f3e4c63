export { ApiProvider } from './api-provider.tsx';
export { errorMessage } from './errors.ts';
export { useTRPC, useTRPCClient } from './trpc.ts';
export { useSubscription } from '@trpc/tanstack-react-query';
