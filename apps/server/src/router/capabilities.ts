import { publicProcedure, router } from '../trpc.ts';
import { mapErrors } from './errors.ts';

export const capabilitiesRouter = router({
  get: publicProcedure.query(({ ctx }) => mapErrors(() => ctx.capabilities.get())),
  refresh: publicProcedure.mutation(({ ctx }) => mapErrors(() => ctx.capabilities.refresh())),
});
