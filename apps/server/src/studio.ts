/**
 * `mpqemu studio`: reads the configuration, opens the store, starts the launcher and serves the
 * web app and the API on one port. Express wiring only; everything else lives in its module.
 * Started by main.ts (the built app) and by dev.ts (`npm run dev`: the app served by Vite).
 */
import { ConfigError, loadConfig, USAGE, type Config } from './config.ts';
import { createServices } from './context.ts';
import { withMeasured } from './doctor/overlay.ts';
import type { WebFront } from './http/app.ts';
import { startServer, type RunningServer } from './http/server.ts';
import { createHostRoots } from './images/roots.ts';
import { createCapabilityService, findExecutable } from './probe/index.ts';
import { DataDirBusy, lockDataDir } from './runs/data-dir-lock.ts';
import { createRunManager, DEFAULT_KEEP_FINISHED, runsDirOf } from './runs/manager.ts';
import { cleanStaleRuns, describeCleanup } from './runs/stale-runs.ts';
import type { RunManager } from './runs/types.ts';
import { resolveToken } from './security/token.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const log = (message: string): void => console.error(`mpqemu studio: ${message}`);

function fail(message: string, code: number): never {
  console.error(`mpqemu studio: ${message}`);
  process.exit(code);
}

function readConfig(): Config {
  try {
    const config = loadConfig(process.argv.slice(2), process.env);
    if (config === 'help') {
      console.log(USAGE);
      process.exit(0);
    }
    return config;
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message, 2);
    throw e;
  }
}

async function checkQemu(config: Config): Promise<void> {
  if ((await findExecutable(config.qemu)) !== null) return;
  const message = `QEMU binary "${config.qemu}" not found`;
  // A binary the user named must exist; the default may be installed later (the UI says how).
  if (config.qemuExplicit) fail(`${message} (set by --qemu or MPQEMU_QEMU)`, 2);
  log(`${message}; install it with: apt-get install qemu-system-x86`);
}

/** Owns the data directory, then clears what a dead predecessor left in it. */
async function claimDataDir(dataDir: string): Promise<void> {
  try {
    // Held until this process ends, however it ends: the kernel releases it.
    await lockDataDir(dataDir, 'mpqemu studio');
  } catch (e) {
    if (e instanceof DataDirBusy) {
      fail(`${e.message}; stop it, or start this one with another --data-dir`, 2);
    }
    fail((e as Error).message, 2);
  }
  const cleaned = await cleanStaleRuns(runsDirOf(dataDir), { keep: DEFAULT_KEEP_FINISHED });
  const line = describeCleanup(cleaned);
  if (line) log(line);
}

function onSignals(runs: RunManager, server: RunningServer): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: stopping every run, then the server`);
    void Promise.allSettled([runs.shutdown(), server.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export interface StudioOptions {
  /** What serves the page; made once the configuration is valid. Default: the built app. */
  web?: (config: Config) => Promise<WebFront>;
}

/** Runs the studio until a signal stops it; exits the process on a bad start. */
export async function runStudio(options: StudioOptions = {}): Promise<void> {
  const config = readConfig();
  await checkQemu(config);
  await claimDataDir(config.dataDir);
  const { token } = await resolveToken(config.dataDir, config.token);
  // Doctor's measurements of this very binary ride along with every probe result.
  const capabilities = withMeasured(
    createCapabilityService(config.qemu, {
      dataDir: config.dataDir,
      isolation: config.isolation,
      log,
    }),
    config.dataDir,
    log,
  );
  // One set of roots for the launcher and the image library, pickers and settings alike: the
  // configured ones once reached Start but not the library (issue #22).
  const roots = createHostRoots({ dataDir: config.dataDir, configured: config.imageRoots });
  const runs = createRunManager({
    capabilities: (needs) => capabilities.get(needs),
    dataDir: config.dataDir,
    roots,
    isolation: config.isolation,
    livenessIntervalMs: config.livenessIntervalMs,
  });
  const services = await createServices({
    dataDir: config.dataDir,
    runs,
    capabilities,
    roots,
    log,
  });
  const web = await options.web?.(config);
  // Other local users allowed to connect: read once, like the rest of the configuration.
  const { allowedUids } = await services.images.settings.get();
  let server: RunningServer;
  try {
    server = await startServer({
      host: config.host,
      port: config.port,
      token,
      services,
      log,
      extraPeerUids: allowedUids,
      ...(web === undefined ? {} : { web }),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      fail(`port ${config.port} on ${config.host} is in use; choose another with --port`, 1);
    if (code === 'EADDRNOTAVAIL') fail(`cannot bind to ${config.host}: no such local address`, 2);
    throw e;
  }
  onSignals(runs, server);
  if (!LOOPBACK.has(config.host)) {
    log(
      `listening on ${config.host}: other machines can reach this port; the token is the only gate and traffic is not encrypted`,
    );
  }
  // Probe now, KVM boot check included, so the first page does not wait for it; a TCG start does
  // not wait for the KVM check either (it asks without it). A failure is shown by the UI.
  capabilities.get().catch((e: unknown) => log(`capability probe failed: ${(e as Error).message}`));
  console.log(`mpqemu studio is running: ${server.openUrl}`);
}
