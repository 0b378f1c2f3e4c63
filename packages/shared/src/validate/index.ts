import { DEFAULT_CAPABILITIES, type Capabilities } from '../capabilities.ts';
import type { Problem } from '../problems.ts';
import type { Topology } from '../schema.ts';
import { buildContext } from './context.ts';
import { checkDrives } from './drives.ts';
import { checkIds } from './ids.ts';
import { checkDeviceProps } from './net.ts';
import { checkPciSlots } from './pci.ts';
import { checkPlacement } from './placement.ts';
import { checkVm } from './vm.ts';

export { TCG_PROXY_WARNING } from './placement.ts';
export { RESERVED_SLOTS } from './pci.ts';
export { MAX_CPUS, MAX_MEMORY_MIB, MIN_MEMORY_MIB } from './vm.ts';
export { pathProblem, unsafeTextProblem } from './paths.ts';
export { show as showUserText } from './show.ts';

/**
 * Every rule we know about QEMU 7.2's multi-process support, run over a structurally valid
 * document. Errors block a launch; warnings must be shown to the user before one.
 */
export function validate(topology: Topology, caps: Capabilities = DEFAULT_CAPABILITIES): Problem[] {
  const problems: Problem[] = [];
  const ctx = buildContext(topology, caps, problems);
  checkIds(ctx);
  checkVm(ctx);
  checkPlacement(ctx);
  checkDrives(ctx);
  checkPciSlots(ctx);
  checkDeviceProps(ctx);
  return problems;
}
