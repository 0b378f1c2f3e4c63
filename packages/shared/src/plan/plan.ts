import { DEFAULT_CAPABILITIES, type Capabilities } from '../capabilities.ts';
import { hasErrors } from '../problems.ts';
import type { Topology } from '../schema.ts';
import { validate } from '../validate/index.ts';
import { buildPlan } from './build.ts';
import type { PlanOptions, PlanResult } from './types.ts';

/**
 * Turns a document into the processes to start. Validates first: a topology with errors has no
 * plan, only its problems.
 */
export function planLaunch(
  topology: Topology,
  caps: Capabilities = DEFAULT_CAPABILITIES,
  options: PlanOptions = {},
): PlanResult {
  const measuring = options.measuring ?? [];
  const problems = validate(topology, caps).filter((p) => !measuring.includes(p.code));
  if (hasErrors(problems)) return { ok: false, problems };
  const runDir =
    options.runDir ?? `/tmp/mpqemu-${topology.vm.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
  return { ok: true, plan: buildPlan(topology, caps, runDir, problems, options) };
}
