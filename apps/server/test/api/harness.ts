/**
 * Real services on a temp data directory: the real store, the real capability probe and the real
 * launcher (QEMU under TCG). Shared by the API and security tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate, type Topology } from '@mpqemu/shared';
import { createServices, createContext, type Services } from '../../src/context.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { createCapabilityService, type CapabilityService } from '../../src/probe/index.ts';
import { appRouter } from '../../src/router/index.ts';
import { createRunManager } from '../../src/runs/manager.ts';
import { generateToken } from '../../src/security/token.ts';
import { loadSamples } from '../../src/store/samples.ts';
import { createCallerFactory } from '../../src/trpc.ts';

let sharedCapabilities: CapabilityService | undefined;

/** One probe per test file: it runs QEMU a dozen times. */
export function capabilities(): CapabilityService {
  sharedCapabilities ??= createCapabilityService('qemu-system-x86_64');
  return sharedCapabilities;
}

export interface TestEnv {
  dataDir: string;
  services: Services;
  cleanup(): Promise<void>;
}

/** Services on a fresh data directory, or on `dataDir`, which cleanup() then leaves in place. */
export async function createTestEnv(options: { dataDir?: string } = {}): Promise<TestEnv> {
  // Short: run sockets live below it and sun_path holds 107 bytes.
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mpq-')));
  const caps = capabilities();
  const runs = createRunManager({
    capabilities: () => caps.get(),
    dataDir,
    stopGraceMs: 2_000,
    killGraceMs: 2_000,
  });
  const services = await createServices({ dataDir, runs, capabilities: caps });
  return {
    dataDir,
    services,
    async cleanup() {
      await runs.shutdown();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A server-side caller; `signal` aborts its subscriptions, as a closed HTTP request would. */
export function callerFor(services: Services, signal?: AbortSignal) {
  return createCallerFactory(appRouter)(createContext(services), signal ? { signal } : {});
}

export interface TestServer extends RunningServer {
  token: string;
  env: TestEnv;
  base: string;
  stop(): Promise<void>;
}

/** The real HTTP server on an ephemeral port of 127.0.0.1. */
export async function startTestServer(options: { webDist?: string } = {}): Promise<TestServer> {
  const env = await createTestEnv();
  const token = generateToken();
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    token,
    services: env.services,
    log: () => undefined,
    ...(options.webDist === undefined ? {} : { webDist: options.webDist }),
  });
  return {
    ...server,
    token,
    env,
    base: `http://127.0.0.1:${server.port}`,
    async stop() {
      await server.close();
      await env.cleanup();
    },
  };
}

/** The `rich` example with absolute paths. */
export async function richSample(): Promise<Topology> {
  const rich = (await loadSamples()).find((s) => s.id === 'rich');
  if (!rich) throw new Error('examples/rich.json is missing');
  return rich.topology;
}

/**
 * The `rich` example on fresh disk images of its own: QEMU write-locks images, so two runs of the
 * shared ones (another test file, another engineer's test) would fail each other.
 */
export async function richWithOwnDisks(dir: string): Promise<Topology> {
  const rich = await richSample();
  await mkdir(join(dir, 'images'), { recursive: true });
  const drives = rich.drives.map((d) => {
    const path = join(dir, 'images', `${d.id}.${d.image.format}`);
    execFileSync('qemu-img', ['create', '-q', '-f', d.image.format, path, '64M']);
    return { ...d, image: { ...d.image, path } };
  });
  return { ...rich, drives };
}

/** Codes of the warnings a user would have confirmed in the UI. */
export function warningCodes(topology: Topology): string[] {
  return validate(topology)
    .filter((p) => p.severity === 'warning')
    .map((p) => p.code);
}
