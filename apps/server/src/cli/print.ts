import { planLaunch, renderReadableText, type Capabilities, type Topology } from '@mpqemu/shared';
import { EXIT, type CliIo } from './io.ts';
import { formatProblem } from './load-file.ts';

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
    io.stderr(`${planned.problems.map(formatProblem).join('\n')}\n`);
    return EXIT.failed;
  }
  io.stdout(renderReadableText(planned.plan));
  if (planned.plan.problems.length > 0) {
    io.stderr(`${planned.plan.problems.map(formatProblem).join('\n')}\n`);
  }
  return EXIT.ok;
}
