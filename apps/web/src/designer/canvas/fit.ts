import type { FitViewOptions } from '@xyflow/react';

/**
 * How the design is fitted into view: the right padding keeps every node clear of the minimap
 * (200×150 in the bottom-right corner), so fitting never puts a node under it.
 */
export const FIT_VIEW: FitViewOptions = {
  padding: { top: '40px', left: '40px', bottom: '40px', right: '240px' },
  maxZoom: 1,
  duration: 250,
};
