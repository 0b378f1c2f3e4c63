/**
 * The repository's examples, offered in the UI as samples. Their paths are relative to their own
 * folder (so the repository works wherever it is cloned); a sample handed out has them absolute.
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadTopologyText, resolveDocumentPaths, type Topology } from '@mpqemu/shared';
import { EXAMPLES_DIR } from '../repo-paths.ts';
import { readStoreFile } from './read-file.ts';

export interface Sample {
  id: string;
  title: string;
  description: string;
  topology: Topology;
}

export const DEFAULT_EXAMPLES_DIR = EXAMPLES_DIR;

const DESCRIPTIONS: Record<string, { title: string; description: string }> = {
  'upstream-lsi': {
    title: 'Upstream LSI example',
    description:
      'The setup of QEMU’s multi-process documentation: an LSI SCSI controller with one disk in its own process.',
  },
  rich: {
    title: 'Three remote processes',
    description:
      'An LSI SCSI controller, an e1000e NIC and a virtio disk each in their own process, a virtio NIC and a VGA screen in the VM.',
  },
};

/** Loads every valid example of `dir`; a broken one is left out and reported through `onBroken`. */
export async function loadSamples(
  dir: string = DEFAULT_EXAMPLES_DIR,
  onBroken: (file: string, message: string) => void = () => undefined,
): Promise<Sample[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const samples: Sample[] = [];
  for (const file of files) {
    const read = await readStoreFile(join(dir, file));
    const load = read.ok ? loadTopologyText(read.text) : null;
    if (!load?.ok) {
      onBroken(file, read.ok ? JSON.stringify(load?.errors) : read.message);
      continue;
    }
    const id = basename(file, '.json');
    const meta = DESCRIPTIONS[id] ?? { title: load.topology.vm.name, description: '' };
    samples.push({ id, ...meta, topology: resolveDocumentPaths(load.topology, dir) });
  }
  return samples;
}
