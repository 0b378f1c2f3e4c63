import { validate, type Capabilities, type Topology } from '@mpqemu/shared';
import { EXIT, type CliIo } from './io.ts';
import { formatProblem } from './report.ts';

/** `mpqemu check`: every problem, one per line; exit 1 when any is an error. */
export function checkTopology(topology: Topology, caps: Capabilities, io: CliIo): number {
  const problems = validate(topology, caps);
  for (const p of problems) io.stdout(`${formatProblem(p)}\n`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  io.stderr(`${errors} error(s), ${problems.length - errors} warning(s)\n`);
  return errors > 0 ? EXIT.failed : EXIT.ok;
}
