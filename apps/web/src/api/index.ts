export { ApiProvider, createQueryClient, type ApiProviderProps } from './api-provider.tsx';
export { createApiClient, TRPC_PATH, type ApiClient } from './client.ts';
export { errorDetails, errorMessage } from './errors.ts';
export {
  TRPCProvider,
  useTRPC,
  useTRPCClient,
  type RouterInputs,
  type RouterOutputs,
} from './trpc.ts';
export { useSubscription } from '@trpc/tanstack-react-query';
