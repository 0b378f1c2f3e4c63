/**
 * The `mpqemu` command line: print, check, up, export and import. Each command is a function
 * returning the exit status; bin/mpqemu.mjs exits with it.
 */
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CAPABILITIES } from '@mpqemu/shared';
import { ConfigError } from '../config.ts';
import { probeHost, type Host } from './capabilities.ts';
import { checkTopology } from './check.ts';
import { exportScript, importFile } from './convert.ts';
import { EXIT, processIo, type CliIo } from './io.ts';
import { loadTopologyFile } from './load-file.ts';
import { printPlan } from './print.ts';
import { formatFieldErrors } from './report.ts';
import { up } from './up.ts';
import { createRunManager } from '../runs/manager.ts';

export const USAGE = `Usage:
  mpqemu print FILE [--json] [--probe] [--run-dir DIR]   the processes and argv of a topology
  mpqemu check FILE [--probe]                            its problems, one per line (--probe: and
                                                         the host's files, as up checks them)
  mpqemu up FILE [--yes]                                 run it here (Ctrl-C stops it, again forces)
  mpqemu export FILE [-o OUT] [--run-dir DIR]            a standalone Node.js launcher script
  mpqemu import FILE|-                                   QEMU command lines -> topology JSON

Exit status: 0 ok, 1 the topology has errors or the run failed, 2 bad usage or unreadable file.
print and check use the measured QEMU 7.2 defaults unless --probe asks the host's QEMU.`;

const OPTIONS = {
  json: { type: 'boolean' },
  probe: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'run-dir': { type: 'string' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  print: ['json', 'probe', 'run-dir'],
  check: ['probe'],
  up: ['yes'],
  export: ['output', 'run-dir', 'probe'],
  import: [],
};

/** Runs one CLI invocation; never throws for a user mistake, returns the exit status instead. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
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
  if (allowed === undefined || file === undefined || rest.length > 0) {
    io.stderr(`${command === undefined ? '' : `mpqemu: bad usage of "${command}"\n\n`}${USAGE}\n`);
    return EXIT.usage;
  }
  const stray = Object.keys(values).filter((k) => !allowed.includes(k));
  if (stray.length > 0) {
    io.stderr(`mpqemu ${command}: unknown option --${stray[0] ?? ''}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (command === 'import') return importFile(file, io);

  const loaded = await loadTopologyFile(file);
  if (!loaded.ok) {
    io.stderr(`${formatFieldErrors(file, loaded.errors)}\n`);
    return EXIT.usage;
  }
  const { topology } = loaded;
  let caps = DEFAULT_CAPABILITIES;
  let host: Host | undefined;
  if (values.probe || command === 'up') {
    try {
      host = await probeHost(topology);
    } catch (e) {
      // A bad MPQEMU_* setting is a usage error; a missing QEMU says how to install it.
      io.stderr(`mpqemu: ${(e as Error).message}\n`);
      return e instanceof ConfigError ? EXIT.usage : EXIT.failed;
    }
    if (command === 'up') {
      return up(topology, host, { yes: values.yes === true, topologyName: basename(file) }, io);
    }
    caps = host.caps;
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
      // A manager that starts nothing: only its host check (the one Start runs) is used.
      const manager = createRunManager({
        capabilities: () => Promise.resolve(caps),
        dataDir: config.dataDir,
        imageRoots: config.imageRoots,
      });
      return checkTopology(topology, caps, io, (t) => manager.hostCheck(t));
    }
    default:
      return exportScript(topology, caps, { output: values.output, runDir: values['run-dir'] }, io);
  }
}
