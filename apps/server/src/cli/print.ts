import {
  passFilesByFd,
  planLaunch,
  renderReadableText,
  type Capabilities,
  type Topology,
} from '@mpqemu/shared';
import { EXIT, type CliIo } from './io.ts';
import { reportProblems } from './report.ts';

export interface PrintOptions {
  json: boolean;
  runDir?: string | undefined;
}

/**
 * `mpqemu print`: the plan as readable command lines, or as JSON (`processes` with argv, fds and
 * files, the main QEMU's `spares`, `problems`). It is the plan `mpqemu up` runs: images, kernel and initrd passed as
 * descriptors, each named. A topology with errors has no plan: exit 1 with its problems.
 */
export function printPlan(
  topology: Topology,
  caps: Capabilities,
  options: PrintOptions,
  io: CliIo,
): number {
  const planned = planLaunch(topology, caps, options.runDir ? { runDir: options.runDir } : {});
  const plan = planned.ok ? passFilesByFd(planned.plan) : null;
  if (options.json) {
    const processes =
      plan?.processes.map(({ name, role, argv, fds, files, qmpFd, serialFd }) => ({
        name,
        role,
        argv,
        fds,
        files: files ?? {},
        // Socketpair ends the launcher creates and keeps the other end of (QMP, the console).
        qmpFd,
        serialFd,
      })) ?? [];
    // The main QEMU's fds that get a spare socketpair end each: a launcher must pass them too.
    const spares = plan?.spares ?? [];
    const problems = planned.ok ? planned.plan.problems : planned.problems;
    io.stdout(`${JSON.stringify({ processes, spares, problems }, null, 2)}\n`);
    return planned.ok ? EXIT.ok : EXIT.failed;
  }
  if (!planned.ok || plan === null) {
    reportProblems(planned.ok ? [] : planned.problems, io);
    return EXIT.failed;
  }
  io.stdout(renderReadableText(plan));
  reportProblems(plan.problems, io);
  return EXIT.ok;
}
