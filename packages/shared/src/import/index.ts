/**
 * Import: QEMU command lines or a topology JSON → a topology document, with every word that was
 * not understood kept visible.
 */
import { loadTopologyText } from '../load.ts';
import { importCommandLines } from './import-command-lines.ts';
import type { ImportResult } from './types.ts';

export { importCommandLines, MAX_IMPORT_CHARS } from './import-command-lines.ts';
export type { SourceSpan } from './shell-words.ts';
export type * from './types.ts';

/** A topology JSON when the text is a JSON object, QEMU command lines otherwise. */
export function importText(text: string): ImportResult {
  if (!text.trimStart().startsWith('{')) return importCommandLines(text);
  const loaded = loadTopologyText(text);
  if (loaded.ok) return { topology: loaded.topology, extraArgs: [], issues: [] };
  return {
    topology: null,
    extraArgs: [],
    issues: loaded.errors.map((e) => ({
      severity: 'error',
      message: e.path === '' ? e.message : `${e.path}: ${e.message}`,
    })),
  };
}
