/**
 * The `mpqemu` command line: print, check, up, export, import and doctor. Each command is a function
 * returning the exit status; bin/mpqemu.mjs exits with it.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CAPABILITIES } from '@mpqemu/shared';
import { ConfigError } from '../config.ts';
import { Timings } from '../timings.ts';
import type { HostSession } from './capabilities.ts';
import type { Claim } from './up.ts';
import { checkTopology } from './check.ts';
import { EXIT, processIo, type CliIo } from './io.ts';
import { loadTopologyFile } from './load-file.ts';
import { printPlan } from './print.ts';
import { formatFieldErrors } from './report.ts';

export const USAGE = `Usage:
  mpqemu print FILE [--json] [--probe] [--run-dir DIR]   the processes and argv of a topology
  mpqemu check FILE [--probe]                            its problems, one per line (--probe: and
                                                         the host's files, as up checks them)
  mpqemu up FILE [--yes]                                 run it here (Ctrl-C stops it, again forces)
  mpqemu export FILE [-o OUT] [--run-dir DIR]            a standalone Node.js launcher script
  mpqemu import FILE|-                                   QEMU command lines -> topology JSON
  mpqemu doctor [--json] [--models A,B] [--machine pc|q35] [--timeout S] [--kernel F] [--initrd F]
                                                         measure each model as a proxied device
                                                         on this host's QEMU and store the results

Exit status: 0 ok, 1 the topology has errors or the run failed, 2 bad usage or unreadable file.
print and check use the measured QEMU 7.2 defaults unless --probe asks the host's QEMU.
--timings (print, check, up, export) prints to stderr where the command's time went.`;

const OPTIONS = {
  json: { type: 'boolean' },
  probe: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'run-dir': { type: 'string' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
  models: { type: 'string' },
  machine: { type: 'string' },
  timeout: { type: 'string' },
  kernel: { type: 'string' },
  initrd: { type: 'string' },
  timings: { type: 'boolean' },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  print: ['json', 'probe', 'run-dir', 'timings'],
  check: ['probe', 'timings'],
  up: ['yes', 'timings'],
  export: ['output', 'run-dir', 'probe', 'timings'],
  import: [],
  doctor: ['json', 'models', 'machine', 'timeout', 'kernel', 'initrd'],
};

/**
 * Starts the host's probe when the command needs one. Loaded on demand: the probe and the launcher
 * pull in modules that `print` and `check` without --probe never use, and start-up is the whole
 * cost of those commands.
 */
async function hostFor(needed: boolean): Promise<HostSession | null> {
  if (!needed) return null;
  const { openHost } = await import('./capabilities.ts');
  return openHost();
}

/** Runs one CLI invocation; never throws for a user mistake, returns the exit status instead. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const timings = argv.includes('--timings') ? new Timings() : null;
  timings?.mark('CLI code running (Node started, modules loaded)');
  const status = await run(argv, io, timings);
  // `up` prints its figures when the VM is running; the others when they are done.
  if (timings && !timings.printed) io.stderr(timings.format());
  return status;
}

async function run(argv: readonly string[], io: CliIo, timings: Timings | null): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.stderr(`mpqemu: ${(e as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, file, ...rest] = positionals;
  if (values.help || command === 'help') {
    io.stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  const allowed = command === undefined ? undefined : ALLOWED[command];
  const takesFile = command !== 'doctor';
  if (allowed === undefined || (file === undefined) === takesFile || rest.length > 0) {
    io.stderr(`${command === undefined ? '' : `mpqemu: bad usage of "${command}"\n\n`}${USAGE}\n`);
    return EXIT.usage;
  }
  const stray = Object.keys(values).filter((k) => !allowed.includes(k));
  if (stray.length > 0) {
    io.stderr(`mpqemu ${command}: unknown option --${stray[0] ?? ''}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (command === 'doctor') {
    const { json, models, machine, timeout, kernel, initrd } = values;
    const { doctor } = await import('./doctor.ts');
    return doctor({ json: json === true, models, machine, timeout, kernel, initrd }, io);
  }
  if (file === undefined) return EXIT.usage;
  if (command === 'import') return (await import('./convert.ts')).importFile(file, io);

  const time = <T>(step: string, work: () => Promise<T> | T): Promise<T> =>
    timings ? timings.time(step, work) : Promise.resolve(work());
  // The probe and the launcher's code load while the file is read.
  const session = hostFor(values.probe === true || command === 'up');
  session.catch(() => undefined);
  const launcher = command === 'up' ? import('./up.ts') : null;
  launcher?.catch(() => undefined);
  const loaded = await time('read and load the topology file', () => loadTopologyFile(file));
  if (!loaded.ok) {
    io.stderr(`${formatFieldErrors(file, loaded.errors)}\n`);
    return EXIT.usage;
  }
  const { topology } = loaded;
  let caps = DEFAULT_CAPABILITIES;
  let host: HostSession | null;
  let claim: Promise<Claim> | null = null;
  try {
    const opened = await time('open the host settings', () => session);
    host = opened;
    // `up` takes the data dir's lock (it waits on a flock(1) child) while the capabilities are read.
    if (opened && launcher) {
      const { claimDataDir } = await launcher;
      const dataDir = opened.config.dataDir;
      claim = time('lock the data dir, clear stale runs', () => claimDataDir(dataDir));
      claim.catch(() => undefined);
    }
    if (opened) {
      const { capabilitiesFor } = await import('./capabilities.ts');
      const probed = await time('capabilities', () => capabilitiesFor(opened, topology));
      timings?.detail(
        `probe (${probed.probe.source}): ${probed.probe.steps.map((s) => `${s.step} ${s.ms} ms`).join(', ')}`,
      );
      caps = probed;
    }
  } catch (e) {
    // A bad MPQEMU_* setting is a usage error; a missing QEMU says how to install it.
    io.stderr(`mpqemu: ${(e as Error).message}\n`);
    return e instanceof ConfigError ? EXIT.usage : EXIT.failed;
  }
  if (launcher && host && claim) {
    const { up } = await time('load the launcher', () => launcher);
    const options = { yes: values.yes === true, topologyName: basename(file), timings, claim };
    return up(topology, { config: host.config, caps }, options, io);
  }
  switch (command) {
    case 'print':
      return printPlan(
        topology,
        caps,
        { json: values.json === true, runDir: values['run-dir'] },
        io,
      );
    case 'check': {
      if (!host) return checkTopology(topology, caps, io);
      const { config } = host;
      const { createRunManager } = await import('../runs/manager.ts');
      // A manager that starts nothing: only its host check (the one Start runs) is used.
      const manager = createRunManager({
        capabilities: () => Promise.resolve(caps),
        dataDir: config.dataDir,
        imageRoots: config.imageRoots,
        isolation: config.isolation,
      });
      return checkTopology(topology, caps, io, (t) => manager.hostCheck(t));
    }
    default: {
      const { exportScript, hostRoots } = await import('./convert.ts');
      let roots;
      try {
        roots = hostRoots(host?.config);
      } catch (e) {
        io.stderr(`mpqemu: ${(e as Error).message}\n`);
        return e instanceof ConfigError ? EXIT.usage : EXIT.failed;
      }
      const options = { output: values.output, runDir: values['run-dir'] };
      return exportScript(topology, caps, roots, options, io);
    }
  }
}
