import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { TemporalState } from 'zundo';
import type { Topology } from '@mpqemu/shared';
import type { DesignerState, DesignerStore } from './store.ts';

const DesignerContext = createContext<DesignerStore | null>(null);

export function DesignerProvider({
  store,
  children,
}: {
  store: DesignerStore;
  children: ReactNode;
}) {
  return <DesignerContext value={store}>{children}</DesignerContext>;
}

/** The store itself, for actions and reads outside render. */
export function useDesignerStore(): DesignerStore {
  const store = useContext(DesignerContext);
  if (!store) throw new Error('useDesigner must be used under <DesignerProvider>');
  return store;
}

/** Selects from the designer store. */
export function useDesigner<T>(selector: (s: DesignerState) => T): T {
  return useStore(useDesignerStore(), selector);
}

/** Selects from the undo history (can undo / redo). */
export function useHistory<T>(selector: (s: TemporalState<{ topology: Topology }>) => T): T {
  return useStore(useDesignerStore().temporal, selector);
}
