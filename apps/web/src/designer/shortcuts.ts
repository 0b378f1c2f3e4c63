import { useEffect } from 'react';
import { openShortcutSheet } from '../shell/shortcut-sheet.tsx';
import { deleteSelection, duplicateSelection } from './store/commands.ts';
import { useDesignerStore } from './store/context.tsx';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) ||
    target.closest('.xterm') !== null
  );
}

/**
 * Ctrl/⌘+Z undo, Ctrl+Shift+Z or Ctrl+Y redo, Delete/Backspace delete, Ctrl+D duplicate, Ctrl+A
 * select every node (not the page's text), `?` the shortcut sheet, Ctrl+S save. Fields keep
 * their own editing keys: only Ctrl+S works while typing.
 */
export function useShortcuts(save: () => void): void {
  const store = useDesignerStore();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 's') {
        e.preventDefault();
        save();
        return;
      }
      if (isTyping(e.target) || document.querySelector('dialog[open]')) return;
      if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) store.getState().redo();
        else store.getState().undo();
      } else if (mod && key === 'y') {
        e.preventDefault();
        store.getState().redo();
      } else if (mod && key === 'a') {
        e.preventDefault();
        store.getState().select(store.getState().nodes.map((n) => n.id));
      } else if (!mod && e.key === '?') {
        e.preventDefault();
        openShortcutSheet();
      } else if (mod && key === 'd') {
        e.preventDefault();
        duplicateSelection(store);
      } else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) {
        e.preventDefault();
        deleteSelection(store);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, save]);
}

/** Asks the browser to confirm leaving the page while there are unsaved changes. */
export function useUnloadGuard(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
}
