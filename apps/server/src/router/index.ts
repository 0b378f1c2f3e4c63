/**
 * The API. The web app imports only the type: `import type { AppRouter } from '@mpqemu/server/router'`.
 */
import { router } from '../trpc.ts';
import { capabilitiesRouter } from './capabilities.ts';
import { doctorRouter } from './doctor.ts';
import { runsRouter } from './runs.ts';
import { topologiesRouter } from './topologies.ts';

export const appRouter = router({
  capabilities: capabilitiesRouter,
  topologies: topologiesRouter,
  runs: runsRouter,
  doctor: doctorRouter,
});

export type AppRouter = typeof appRouter;
export type { TopologyListItem } from './topologies.ts';
export type { ErrorDetails } from '../trpc.ts';
