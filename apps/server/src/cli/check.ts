import {
  validate,
  withHostProblems,
  type Capabilities,
  type Problem,
  type Topology,
} from '@mpqemu/shared';
import { EXIT, type CliIo } from './io.ts';
import { formatProblem } from './report.ts';

/**
 * `mpqemu check`: every problem, one per line; exit 1 when any is an error. With `hostCheck`
 * (`--probe`), the files on this host too, through the launcher's own check (RunManager.hostCheck),
 * so check and up can never disagree.
 */
export async function checkTopology(
  topology: Topology,
  caps: Capabilities,
  io: CliIo,
  hostCheck?: (topology: Topology) => Promise<Problem[]>,
): Promise<number> {
  const validated = validate(topology, caps);
  const problems = hostCheck ? withHostProblems(validated, await hostCheck(topology)) : validated;
  for (const p of problems) io.stdout(`${formatProblem(p)}\n`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  io.stderr(`${errors} error(s), ${problems.length - errors} warning(s)\n`);
  return errors > 0 ? EXIT.failed : EXIT.ok;
}
