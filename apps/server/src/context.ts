/**
 * What every procedure may use. Services are built once (main.ts, or a test) and injected, so
 * a test builds a context from a temp directory and the real launcher without any HTTP.
 */
import { join } from 'node:path';
import { createDoctorService, type DoctorService } from './doctor/service.ts';
import type { ImageRoots } from './images/roots.ts';
import { createImageService, type ImageService } from './images/service.ts';
import type { CapabilityService } from './probe/index.ts';
import type { RunManager } from './runs/types.ts';
import { DEFAULT_EXAMPLES_DIR, loadSamples, type Sample } from './store/samples.ts';
import { createTopologyStore, type TopologyStore } from './store/topology-store.ts';

export interface Services {
  store: TopologyStore;
  runs: RunManager;
  capabilities: CapabilityService;
  /** The repository's examples, paths absolute. */
  samples: () => Promise<Sample[]>;
  doctor: DoctorService;
  /** Image roots, the image library and the saved settings. */
  images: ImageService;
}

export type Context = Services;

/** The tRPC context of one request: the shared services, nothing from the request itself. */
export function createContext(services: Services): Context {
  return services;
}

export interface ServiceOptions {
  dataDir: string;
  runs: RunManager;
  capabilities: CapabilityService;
  examplesDir?: string;
  /** Default: the roots of `dataDir` (library, samples, saved settings). */
  images?: ImageService;
  /** The roots the launcher uses too (images/roots.ts createHostRoots); default: made here. */
  roots?: ImageRoots;
  log?: (message: string) => void;
}

export function topologiesDir(dataDir: string): string {
  return join(dataDir, 'topologies');
}

/**
 * Opens the store under `dataDir` and bundles the services. A new store is empty: the UI opens
 * the `rich` sample as a template (Save asks for a name), so no sample is ever overwritten.
 */
export async function createServices(options: ServiceOptions): Promise<Services> {
  const log = options.log ?? (() => undefined);
  const examplesDir = options.examplesDir ?? DEFAULT_EXAMPLES_DIR;
  // The examples ship with the server and do not change while it runs: read them once.
  let loaded: Promise<Sample[]> | null = null;
  const samples = () =>
    (loaded ??= loadSamples(examplesDir, (file, message) =>
      log(`example ${file} is not loadable: ${message}`),
    ));
  const store = await createTopologyStore(topologiesDir(options.dataDir));
  const images =
    options.images ??
    createImageService({
      dataDir: options.dataDir,
      roots: options.roots,
      inUse: () => options.runs.filesInUse(),
    });
  await images.roots.libraryDir();
  const { runs, capabilities, dataDir } = options;
  return {
    store,
    runs,
    capabilities,
    samples,
    images,
    doctor: createDoctorService({ dataDir, capabilities }),
  };
}
