/**
 * What the host's QEMU can really do, asked of the binary itself (`help` outputs) and, for KVM, of
 * a real guest boot. The launcher validates every start against this, never against assumptions.
 */
import type { ProbeResult } from './result.ts';
import { createCapabilityService, type ProbeOptions } from './service.ts';

export { QemuNotFoundError, findExecutable } from './binary.ts';
export type { ProbeResult } from './result.ts';
export { KVM_NOT_CHECKED } from './result.ts';
export { createCapabilityService, type CapabilityService, type ProbeOptions } from './service.ts';

/**
 * Probes `binary` (a name on PATH or a path) afresh, KVM boot check included, with no cache (a
 * service without a data directory, used once). Throws QemuNotFoundError, whose message carries
 * the install command, when there is no such executable.
 */
export function probeCapabilities(
  binary: string,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  return createCapabilityService(binary, options).get();
}
