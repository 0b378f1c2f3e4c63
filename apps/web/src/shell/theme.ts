import { useEffect, useSyncExternalStore } from 'react';
import './theme-light.css';

export type Theme = 'dark' | 'light';

const KEY = 'mpqemu-theme';
const query = () => window.matchMedia('(prefers-color-scheme: light)');

function chosen(): Theme | null {
  const saved = localStorage.getItem(KEY);
  return saved === 'light' || saved === 'dark' ? saved : null;
}

/** The user's choice, else what the system prefers. */
function current(): Theme {
  return chosen() ?? (query().matches ? 'light' : 'dark');
}

const listeners = new Set<() => void>();
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const media = query();
  media.addEventListener('change', listener);
  return () => {
    listeners.delete(listener);
    media.removeEventListener('change', listener);
  };
}

/** Switches theme and remembers the choice (it then no longer follows the system). */
export function setTheme(theme: Theme): void {
  localStorage.setItem(KEY, theme);
  for (const l of listeners) l();
}

/** The theme in force; keeps `<html data-theme>` in step so the stylesheets follow. */
export function useTheme(): Theme {
  const theme = useSyncExternalStore(subscribe, current);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return theme;
}
