/**
 * Topology files for the CLI: load (migrating older versions) and make the example-style relative
 * paths absolute against the file's own folder, as the server does for its samples.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  loadTopologyText,
  resolveDocumentPaths,
  type FieldError,
  type Topology,
} from '@mpqemu/shared';

export type FileLoad = { ok: true; topology: Topology } | { ok: false; errors: FieldError[] };

/** Reads and loads `file`; a read error is reported like a field error of the whole document. */
export async function loadTopologyFile(file: string): Promise<FileLoad> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, errors: [{ path: '', message: (e as Error).message }] };
  }
  const loaded = loadTopologyText(text);
  if (!loaded.ok) return loaded;
  return { ok: true, topology: resolveDocumentPaths(loaded.topology, dirname(resolve(file))) };
}
