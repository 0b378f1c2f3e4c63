import { publicProcedure, router } from '../trpc.ts';

export const capabilitiesRouter = router({
  get: publicProcedure.query(({ ctx }) => ctx.capabilities.get()),
  refresh: publicProcedure.mutation(({ ctx }) => ctx.capabilities.refresh()),
});
