/** `mpqemu export` and `mpqemu import`: the shared exporter and importer on files. */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import {
  exportTopologyJson,
  importCommandLines,
  type Capabilities,
  type Topology,
} from '@mpqemu/shared';
import { loadConfig, type Config } from '../config.ts';
import { createHostRoots, type ImageRoots } from '../images/roots.ts';
import { exportLauncher } from '../launcher/export.ts';
import { EXIT, type CliIo } from './io.ts';
import { reportProblems } from './report.ts';

export interface ExportOptions {
  output?: string | undefined;
  runDir?: string | undefined;
}

/**
 * The image roots of the server's settings (MPQEMU_* honoured): the ones Start checks against.
 * Throws ConfigError for a bad MPQEMU_* value.
 */
export function hostRoots(config: Config = readConfig()): ImageRoots {
  return createHostRoots({ dataDir: config.dataDir, configured: config.imageRoots });
}

function readConfig(): Config {
  const config = loadConfig([], process.env);
  if (config === 'help') throw new Error('unreachable: loadConfig returned help without argv');
  return config;
}

/**
 * Writes the launcher script to OUT (mode 0755) or stdout; refused, like `up`, when a file of the
 * document fails Start's host check (outside the image roots, a data-directory file, missing).
 */
export async function exportScript(
  topology: Topology,
  caps: Capabilities,
  roots: ImageRoots,
  options: ExportOptions,
  io: CliIo,
): Promise<number> {
  const exported = await exportLauncher(topology, caps, roots, {
    title: topology.vm.name,
    ...(options.runDir ? { runDir: options.runDir } : {}),
  });
  if (!exported.ok) {
    reportProblems(exported.problems, io);
    return EXIT.failed;
  }
  if (options.output === undefined) io.stdout(exported.script);
  else await writeFile(options.output, exported.script, { mode: 0o755 });
  reportProblems(exported.warnings, io);
  return EXIT.ok;
}

/** Reads command lines from FILE (or stdin for `-`), prints the topology JSON. */
export function importFile(file: string, io: CliIo): number {
  let text: string;
  try {
    // fd 0 is stdin, for `mpqemu import -`.
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    io.stderr(`${file}: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const result = importCommandLines(text);
  for (const issue of result.issues) {
    const at = issue.span ? `${issue.span.line}:${issue.span.column}: ` : '';
    io.stderr(`${file}:${at}${issue.severity}: ${issue.message}\n`);
  }
  if (!result.topology) return EXIT.failed;
  io.stdout(exportTopologyJson(result.topology));
  return EXIT.ok;
}
