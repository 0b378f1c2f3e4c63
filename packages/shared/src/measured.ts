/**
 * What `mpqemu doctor` measured on one host's QEMU, and how it overrides the catalogue. The
 * catalogue's proxy facts were measured once, on Debian 12's QEMU 7.2 under TCG; a user's QEMU may
 * do better (or worse), so a measurement of *their* binary beats the built-in default.
 */
import * as z from 'zod';
import type { Capabilities } from './capabilities.ts';
import { deviceModel, type ProxySupport } from './catalogue.ts';

export const CHECK_OUTCOMES = ['ok', 'failed', 'skipped'] as const;
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];

const Line = z.string().max(4096);

/** One model on one machine type: the `results[]` entry of `mpqemu doctor --json`. */
export const DoctorResultSchema = z.strictObject({
  model: z.string().min(1).max(64),
  machine: z.string().min(1).max(64),
  /** The guest listed the proxied device in /sys/bus/pci/devices. */
  enumerated: z.boolean(),
  /** vendor:device as the guest read it, lower-case hex; null when it did not enumerate. */
  pciId: z
    .string()
    .regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/)
    .nullable(),
  hotplug: z.enum(CHECK_OUTCOMES),
  restart: z.enum(CHECK_OUTCOMES),
  io: z.enum(CHECK_OUTCOMES),
  /** The guest's sysfs lines, QEMU's error text, what was skipped and why, in order. */
  evidence: z.array(Line).max(200),
  ms: z.int().nonnegative(),
});
export type DoctorResult = z.infer<typeof DoctorResultSchema>;

/** The whole output of `mpqemu doctor --json`. */
export const DoctorReportSchema = z.strictObject({
  qemu: z.strictObject({ binary: z.string().max(4096), version: z.string().max(256).nullable() }),
  kvmUsable: z.boolean(),
  results: z.array(DoctorResultSchema).max(1024),
});
export type DoctorReport = z.infer<typeof DoctorReportSchema>;

/** Which binary a measurement belongs to: another file, size, mtime or version is another QEMU. */
export const BinaryIdentitySchema = z.strictObject({
  path: z.string().max(4096),
  size: z.int().nonnegative(),
  mtimeMs: z.number().nonnegative(),
  version: z.string().max(256).nullable(),
});
export type BinaryIdentity = z.infer<typeof BinaryIdentitySchema>;

/** A stored doctor run: what the server keeps per QEMU binary and hands out in capabilities. */
export const MeasuredFactsSchema = z.strictObject({
  format: z.literal(1),
  identity: BinaryIdentitySchema,
  measuredAt: z.iso.datetime(),
  report: DoctorReportSchema,
});
export type MeasuredFacts = z.infer<typeof MeasuredFactsSchema>;

/** The proxy support a UI or the validator should use, and where it comes from. */
export type EffectiveProxy = ProxySupport & { source: 'catalogue' | 'measured' };

function measuredOn(facts: MeasuredFacts): string {
  const version = facts.report.qemu.version ?? 'unknown version';
  return `Measured on this host's QEMU ${version} on ${facts.measuredAt.slice(0, 10)}`;
}

function describe(results: readonly DoctorResult[]): string {
  return results
    .map(
      (r) =>
        `${r.machine}: ${r.enumerated ? `enumerated ${r.pciId ?? ''}` : 'not enumerated'}, hot-plug ${r.hotplug}, restart ${r.restart}, I/O ${r.io}`,
    )
    .join('; ');
}

/** The first evidence line that says what went wrong, for a one-line reason. */
function failureLine(results: readonly DoctorResult[]): string {
  for (const r of results) {
    const line = r.evidence.find((e) => /fail|error|timeout|not /i.test(e));
    if (line !== undefined) return `${r.machine}: ${line}`;
  }
  return 'the guest did not enumerate it';
}

/**
 * How far `model` can be proxied on the host `caps` describe: a doctor measurement of this QEMU
 * beats the catalogue's built-in default. With `machine`, only that machine's results count; a
 * model that worked on another machine only is "untested" there (q35 and pc differ in hot-plug).
 * Models the doctor never ran keep the default.
 */
export function proxySupport(model: string, caps: Capabilities, machine?: string): EffectiveProxy {
  const facts = caps.measured;
  const all = facts?.report.results.filter((r) => r.model === model) ?? [];
  const results = machine === undefined ? all : all.filter((r) => r.machine === machine);
  if (facts && all.length > 0) {
    const prefix = measuredOn(facts);
    if (results.length === 0 && all.some((r) => r.enumerated)) {
      return {
        status: 'untested',
        note: `${prefix} on ${all.map((r) => r.machine).join(', ')} only, not on ${machine ?? ''}: ${describe(all)}.`,
        source: 'measured',
      };
    }
    const chosen = results.length > 0 ? results : all;
    if (chosen.some((r) => r.enumerated)) {
      return { status: 'verified', note: `${prefix}: ${describe(chosen)}.`, source: 'measured' };
    }
    return {
      status: 'unsupported',
      reason: `${prefix}: ${failureLine(chosen)}.`,
      source: 'measured',
    };
  }
  const info = deviceModel(model);
  if (!info) {
    return { status: 'untested', note: `${model} is not in the catalogue.`, source: 'catalogue' };
  }
  return { ...info.proxy, source: 'catalogue' };
}
