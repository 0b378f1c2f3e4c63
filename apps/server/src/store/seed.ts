import { access } from 'node:fs/promises';
import type { Sample } from './samples.ts';
import { createTopologyStore, type TopologyStore } from './topology-store.ts';

/** The sample a new store starts with, and the name it is saved under. */
const SEED_SAMPLE_ID = 'rich';
export const SEED_NAME = 'sample-rich';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the store in `dir`. When the directory does not exist yet (the first start) it is seeded
 * with the `rich` sample, so the first page shows a topology that starts with one click. Seeding
 * happens once: a store the user has emptied stays empty.
 */
export async function openSeededStore(
  dir: string,
  samples: () => Promise<Sample[]>,
): Promise<TopologyStore> {
  const isNew = !(await exists(dir));
  const store = await createTopologyStore(dir);
  if (isNew) {
    const seed = (await samples()).find((s) => s.id === SEED_SAMPLE_ID);
    if (seed) await store.save(SEED_NAME, seed.topology, { overwrite: false });
  }
  return store;
}
