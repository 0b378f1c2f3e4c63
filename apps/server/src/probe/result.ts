/** Turns the binary's answers and the KVM check into the capabilities the launcher validates against. */
import type { Capabilities } from '@mpqemu/shared';
import type { BinaryProbe } from './binary-probe.ts';
import type { KvmCheck } from './kvm.ts';

/** One step of a probe, for `--timings` and for telling a cache hit from a probe. */
export interface ProbeStep {
  step: string;
  ms: number;
}

interface ProbeDetails {
  /** Absolute real path of the binary (also `binary`). */
  binaryPath: string;
  /** The name or path the probe was asked about. */
  requested: string;
  /** Time this answer took: a full probe, or the cache check. */
  durationMs: number;
  /** When the binary was really asked (a cached answer keeps its original time). */
  probedAt: number;
  /** How the binary's answers were obtained: from the cache, by probing, or by a refresh. */
  source: 'cache' | 'probe' | 'refresh';
  /** What this answer waited for, in order (e.g. "kvm check" only when KVM was asked for). */
  steps: ProbeStep[];
  /** Null when the KVM boot check was not run: nothing asked for KVM yet. */
  kvm: KvmCheck | null;
  deviceProperties: Record<string, string[]>;
  proxyProperties: string[];
}

export interface ProbeResult extends Capabilities {
  probe: ProbeDetails;
}

export const KVM_NOT_CHECKED =
  'not checked yet: the KVM boot check runs when a topology asks for KVM (or on refresh)';

export interface ProbeMeta {
  requested: string;
  source: ProbeDetails['source'];
  steps: ProbeStep[];
  durationMs: number;
  hostMemoryMiB: number | null;
}

/** The capabilities of `probe`; KVM counts as usable only after a kernel booted under it. */
export function assembleResult(
  probe: BinaryProbe,
  kvm: KvmCheck | null,
  meta: ProbeMeta,
): ProbeResult {
  const path = probe.binary;
  let kvmInfo: Capabilities['accels']['kvm'];
  if (!probe.kvm)
    kvmInfo = { present: false, usable: false, reason: `${path} was built without KVM` };
  else if (kvm === null) kvmInfo = { present: true, usable: false, reason: KVM_NOT_CHECKED };
  else if (kvm.usable) kvmInfo = { present: true, usable: true };
  else kvmInfo = { present: true, usable: false, reason: kvm.reason ?? 'unknown' };
  return {
    binary: path,
    version: probe.version,
    remote: probe.remote,
    proxyChannel: 'fd',
    memfd: probe.memfd,
    sandbox: probe.sandbox,
    machines: probe.machines,
    devices: probe.devices,
    accels: {
      tcg: probe.tcg
        ? { present: true, usable: true }
        : { present: false, usable: false, reason: `${path} was built without TCG` },
      kvm: kvmInfo,
    },
    hostMemoryMiB: meta.hostMemoryMiB,
    probe: {
      binaryPath: path,
      requested: meta.requested,
      durationMs: Math.round(meta.durationMs),
      probedAt: probe.probedAt,
      source: meta.source,
      steps: meta.steps,
      kvm,
      deviceProperties: probe.deviceProperties,
      proxyProperties: probe.proxyProperties,
    },
  };
}
