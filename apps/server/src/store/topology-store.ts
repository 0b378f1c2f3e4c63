/**
 * Saved topologies: one `<name>.json` per document in one directory. Files are validated and
 * migrated on load; a broken file is reported with its field errors and left exactly as it is.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTopologyText, type LoadResult, type Topology } from '@mpqemu/shared';
import { renameNoReplace, unlinkDurable, writeFileAtomic } from './atomic.ts';
import { StoreError } from './errors.ts';
import { fileNameOf, nameOfFile, nameProblem } from './names.ts';
import { readStoreFile } from './read-file.ts';

export interface StoreEntry {
  name: string;
  modifiedAt: number;
  load: LoadResult;
}

interface StoredTopology {
  name: string;
  topology: Topology;
  modifiedAt: number;
  /** The version the file was written in, when it was migrated on load (the file is unchanged). */
  migratedFrom: number | null;
}

export interface TopologyStore {
  readonly dir: string;
  list(): Promise<StoreEntry[]>;
  get(name: string): Promise<StoredTopology>;
  save(
    name: string,
    topology: Topology,
    options?: { overwrite?: boolean },
  ): Promise<StoredTopology>;
  rename(from: string, to: string): Promise<void>;
  duplicate(from: string, to: string): Promise<void>;
  delete(name: string): Promise<void>;
}

function checkName(name: string, what = 'name'): void {
  const problem = nameProblem(name);
  if (problem) throw new StoreError('invalid-name', `The ${what} ${problem}.`);
}

function errnoCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** The text we write: stable key order comes from the schema, indentation makes diffs readable. */
function serializeTopology(topology: Topology): string {
  return `${JSON.stringify(topology, null, 2)}\n`;
}

/** Opens (creating, 0700) the store directory `dir`. */
export async function createTopologyStore(dir: string): Promise<TopologyStore> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pathOf = (name: string) => join(dir, fileNameOf(name));

  async function readEntry(name: string): Promise<StoreEntry | null> {
    const read = await readStoreFile(pathOf(name));
    if (read.ok) return { name, modifiedAt: read.modifiedAt, load: loadTopologyText(read.text) };
    if (read.missing) return null;
    return {
      name,
      modifiedAt: read.modifiedAt,
      load: { ok: false, errors: [{ path: '', message: `the file ${read.message}` }] },
    };
  }

  async function get(name: string): Promise<StoredTopology> {
    checkName(name);
    const entry = await readEntry(name);
    if (!entry) throw new StoreError('not-found', `There is no topology named "${name}".`);
    if (!entry.load.ok) {
      throw new StoreError(
        'broken',
        `The topology "${name}" cannot be loaded: ${entry.load.errors
          .map((e) => (e.path ? `${e.path}: ${e.message}` : e.message))
          .slice(0, 5)
          .join('; ')}`,
        entry.load.errors,
      );
    }
    return {
      name,
      topology: entry.load.topology,
      modifiedAt: entry.modifiedAt,
      migratedFrom: entry.load.migratedFrom ?? null,
    };
  }

  return {
    dir,
    async list() {
      const names = (await readdir(dir))
        .map(nameOfFile)
        .filter((n): n is string => n !== null)
        .sort((a, b) => a.localeCompare(b));
      const entries = await Promise.all(names.map(readEntry));
      return entries.filter((e): e is StoreEntry => e !== null);
    },
    get,
    async save(name, topology, options = {}) {
      checkName(name);
      try {
        await writeFileAtomic(pathOf(name), serializeTopology(topology), {
          overwrite: options.overwrite === true,
        });
      } catch (e) {
        if (errnoCode(e) === 'EEXIST') {
          throw new StoreError(
            'exists',
            `A topology named "${name}" already exists; save with overwrite to replace it.`,
          );
        }
        throw e;
      }
      return get(name);
    },
    async rename(from, to) {
      checkName(from);
      checkName(to, 'new name');
      if (from === to) return;
      try {
        await renameNoReplace(pathOf(from), pathOf(to));
      } catch (e) {
        if (errnoCode(e) === 'ENOENT')
          throw new StoreError('not-found', `There is no topology named "${from}".`);
        if (errnoCode(e) === 'EEXIST')
          throw new StoreError('exists', `A topology named "${to}" already exists.`);
        throw e;
      }
    },
    async duplicate(from, to) {
      checkName(from);
      checkName(to, 'new name');
      const read = await readStoreFile(pathOf(from));
      if (!read.ok) {
        if (read.missing)
          throw new StoreError('not-found', `There is no topology named "${from}".`);
        throw new StoreError('broken', `The topology "${from}" ${read.message}.`);
      }
      // The bytes are copied as they are, so duplicating a file never migrates or repairs it.
      try {
        await writeFileAtomic(pathOf(to), read.text, { overwrite: false });
      } catch (e) {
        if (errnoCode(e) === 'EEXIST')
          throw new StoreError('exists', `A topology named "${to}" already exists.`);
        throw e;
      }
    },
    async delete(name) {
      checkName(name);
      try {
        await unlinkDurable(pathOf(name));
      } catch (e) {
        if (errnoCode(e) === 'ENOENT')
          throw new StoreError('not-found', `There is no topology named "${name}".`);
        throw e;
      }
    },
  };
}
