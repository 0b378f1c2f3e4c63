import { planLaunch, renderReadableText, type Capabilities, type Topology } from '@mpqemu/shared';
import { EXIT, type CliIo } from './io.ts';
import { reportProblems } from './report.ts';

export interface PrintOptions {
  json: boolean;
  runDir?: string | undefined;
}

/**
 * `mpqemu print`: the plan as readable command lines, or as JSON (`processes` with argv and fds,
 * `problems`). A topology with errors has no plan: exit 1 with its problems.
 */
export function printPlan(
  topology: Topology,
  caps: Capabilities,
  options: PrintOptions,
  io: CliIo,
): number {
  const planned = planLaunch(topology, caps, options.runDir ? { runDir: options.runDir } : {});
  if (options.json) {
    const processes = planned.ok
      ? planned.plan.processes.map(({ name, role, argv, fds }) => ({ name, role, argv, fds }))
      : [];
    const problems = planned.ok ? planned.plan.problems : planned.problems;
    io.stdout(`${JSON.stringify({ processes, problems }, null, 2)}\n`);
    return planned.ok ? EXIT.ok : EXIT.failed;
  }
  if (!planned.ok) {
    reportProblems(planned.problems, io);
    return EXIT.failed;
  }
  io.stdout(renderReadableText(planned.plan));
  reportProblems(planned.plan.problems, io);
  return EXIT.ok;
}
