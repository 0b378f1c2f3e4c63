/**
 * The API. The web app imports only the type: `import type { AppRouter } from '@mpqemu/server/router'`.
 */
import { router } from '../trpc.ts';
import { capabilitiesRouter } from './capabilities.ts';
import { imagesRouter } from './images.ts';
import { runsRouter } from './runs.ts';
import { settingsRouter } from './settings.ts';
import { topologiesRouter } from './topologies.ts';

export const appRouter = router({
  capabilities: capabilitiesRouter,
  topologies: topologiesRouter,
  runs: runsRouter,
  images: imagesRouter,
  settings: settingsRouter,
});

export type AppRouter = typeof appRouter;
export type { TopologyListItem } from './topologies.ts';
export type { ImageEntry, ImageListing, InspectResult } from './images.ts';
export type { ErrorDetails } from '../trpc.ts';
