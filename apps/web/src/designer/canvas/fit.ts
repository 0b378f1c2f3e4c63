import type { FitViewOptions } from '@xyflow/react';

/**
 * How the design is fitted into view: the right padding keeps every node clear of the minimap
 * (200×150 in the bottom-right corner), so fitting never puts a node under it. No animation:
 * the first fit of an opened document must be where the nodes are at once.
 */
export const FIT_VIEW: FitViewOptions = {
  padding: { top: '40px', left: '40px', bottom: '40px', right: '240px' },
  maxZoom: 1,
};

/** The same fit, animated, for the Fit button and menu. */
export const FIT_VIEW_ANIMATED: FitViewOptions = { ...FIT_VIEW, duration: 250 };
