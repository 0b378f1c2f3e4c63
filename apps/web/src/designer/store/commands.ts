import { attachDrive } from '../doc/attach.ts';
import { duplicateItem } from '../doc/duplicate.ts';
import { removeItems } from '../doc/remove.ts';
import { autoLayout } from '../layout/auto-layout.ts';
import type { DesignerStore } from './store.ts';

/** Deletes the selected nodes; a selected attachment edge detaches its drive. One undo step. */
export function deleteSelection(store: DesignerStore): void {
  const { nodes, edges, edit } = store.getState();
  const ids = nodes.filter((n) => n.selected).map((n) => n.id);
  const detached = edges.filter((e) => e.selected && e.type === 'drive').map((e) => e.target);
  if (ids.length === 0 && detached.length === 0) return;
  edit((t) =>
    removeItems(
      detached.reduce((doc, drive) => attachDrive(doc, drive, null), t),
      ids,
    ),
  );
}

/** Duplicates the one selected node and selects the copy. */
export function duplicateSelection(store: DesignerStore): void {
  const selected = store.getState().nodes.filter((n) => n.selected);
  const only = selected.length === 1 ? selected[0] : undefined;
  if (!only) return;
  const result = duplicateItem(store.getState().topology, only.id);
  if (!result) return;
  store.getState().edit(() => result.topology);
  store.getState().select([result.id]);
}

/** Lays the whole document out with dagre; one undo step. */
export function applyAutoLayout(store: DesignerStore): void {
  store.getState().edit((t) => ({ ...t, layout: autoLayout(t) }));
}
