/** `mpqemu export` and `mpqemu import`: the shared exporter and importer on files. */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import {
  exportLauncherScript,
  exportTopologyJson,
  importCommandLines,
  planLaunch,
  type Capabilities,
  type Topology,
} from '@mpqemu/shared';
import { EXIT, type CliIo } from './io.ts';
import { reportProblems } from './report.ts';

export interface ExportOptions {
  output?: string | undefined;
  runDir?: string | undefined;
}

/** Writes the launcher script to OUT (mode 0755) or stdout. */
export async function exportScript(
  topology: Topology,
  caps: Capabilities,
  options: ExportOptions,
  io: CliIo,
): Promise<number> {
  const planned = planLaunch(topology, caps, options.runDir ? { runDir: options.runDir } : {});
  if (!planned.ok) {
    reportProblems(planned.problems, io);
    return EXIT.failed;
  }
  const script = exportLauncherScript(planned.plan, { title: topology.vm.name });
  if (options.output === undefined) io.stdout(script);
  else await writeFile(options.output, script, { mode: 0o755 });
  reportProblems(planned.plan.problems, io);
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
