/**
 * The host half of Start's checks: the tools QEMU is started with, then every file it will be
 * given (preflight.ts). The designer, `mpqemu check --probe` and Start all run these, so each
 * sees the same codes and words.
 */
import {
  jailProblems,
  type Capabilities,
  type IsolationMode,
  type Problem,
  type Topology,
} from '@mpqemu/shared';
import type { ImageRoots } from '../images/roots.ts';
import { preflight, type PreflightResult } from './preflight.ts';
import { refusal } from './refusal.ts';
import { StartRefused } from './types.ts';

/** What the host checks read: the capabilities, the tools, the image roots, the live runs. */
export interface HostContext {
  /** The probed capabilities; `kvm` false lets a caller skip the KVM boot check. */
  capabilities: (needs: { kvm: boolean }) => Promise<Capabilities>;
  /** What Start does when this host cannot jail QEMU (plan/jail.ts). */
  isolation: IsolationMode;
  roots: ImageRoots;
  /** A PATH lookup; cached (createExecutableCache), since Start asks for the same tools each time. */
  findExecutable: (name: string) => Promise<string | null>;
  /** Which live run (other than `ownRun`) holds `real`, in words; null when none. */
  inUse: (real: string, ownRun?: string) => string | null;
}

/** A passed host check: the preflight's result. */
export type CheckedHost = PreflightResult;

/**
 * QEMU present, and the jail problems of this host (the probe tried a jail; setpriv, prlimit and
 * bwrap are part of that try).
 */
async function tools(
  host: HostContext,
  topology: Topology,
  caps: Promise<Capabilities>,
): Promise<Problem[]> {
  const qemu = await caps.then((c) => host.findExecutable(c.binary));
  if (!qemu) {
    const { binary } = await caps;
    throw refusal(
      `QEMU binary ${binary} not found. Install it with: apt-get install qemu-system-x86`,
      'host.qemu-missing',
    );
  }
  const { jail } = await caps;
  if (!jail) return [];
  return jailProblems(
    jail,
    host.isolation,
    topology.processes.map((p) => p.id),
  );
}

/**
 * Tools present (and the image roots read, meanwhile), then every file (preflight.ts). Throws
 * StartRefused for a missing tool; a file's problem is reported, not thrown. Without errors the
 * caller owns the opened descriptors (`files`); with errors they are closed already.
 */
export async function checkHost(
  host: HostContext,
  topology: Topology,
  caps: Promise<Capabilities>,
  ownRun?: string,
): Promise<CheckedHost> {
  const [jail, confinement] = await Promise.all([
    tools(host, topology, caps),
    host.roots.confinement(),
  ]);
  const checked = await preflight(topology, {
    confinement,
    inUse: (real) => host.inUse(real, ownRun),
  });
  // With errors the descriptors are closed (preflight.ts closes them for its own errors).
  if (checked.errors.length === 0 && jail.some((p) => p.severity === 'error')) {
    await checked.files.close();
  }
  return {
    ...checked,
    errors: [...jail.filter((p) => p.severity === 'error'), ...checked.errors],
    warnings: [...jail.filter((p) => p.severity === 'warning'), ...checked.warnings],
  };
}

/**
 * The host checks alone, as problems (errors and warnings); never throws. `ownRun`: the run of
 * this very document, whose own images are not "in use by another run".
 */
export async function hostProblems(
  host: HostContext,
  topology: Topology,
  ownRun?: string,
): Promise<Problem[]> {
  try {
    // Checking files never waits for the KVM boot check.
    const caps = host.capabilities({ kvm: false });
    const { errors, warnings, files } = await checkHost(host, topology, caps, ownRun);
    // Only looking: nothing is launched, so no descriptor may stay open.
    await files.close();
    return [...errors, ...warnings];
  } catch (e) {
    if (e instanceof StartRefused) return e.problems;
    const message = (e as Error).message;
    return [{ severity: 'error', code: 'host.capabilities', message, path: '', nodeIds: ['$vm'] }];
  }
}
