/**
 * Migrations from older document versions. Each step takes the previous version's document,
 * checks it against that version's schema, and returns the next version's shape.
 *
 * Version 1 (mpqemu studio 0.0.x) kept drives nested inside their devices, named remote
 * processes `remotes`, and wrote memory as a QEMU size string ("256M").
 */
import * as z from 'zod';
import { deviceModel } from './catalogue.ts';
import { zodErrors, type FieldError } from './field-errors.ts';

type Step = { ok: true; doc: unknown } | { ok: false; errors: FieldError[] };

const V1Drive = z.object({
  id: z.string(),
  model: z.enum(['scsi-hd', 'scsi-cd', 'disk-image']),
  file: z.string(),
  format: z.enum(['raw', 'qcow2']),
  readonly: z.boolean().default(false),
  scsiId: z.int().optional(),
  lun: z.int().optional(),
});

const V1 = z.object({
  version: z.literal(1),
  name: z.string(),
  machine: z.enum(['pc', 'q35']).default('pc'),
  accel: z.enum(['tcg', 'kvm']).default('tcg'),
  cpus: z.int().default(1),
  memory: z.string().regex(/^\d+[MG]$/, 'a size such as "256M" or "2G"'),
  kernel: z.string().optional(),
  initrd: z.string().optional(),
  append: z.string().optional(),
  remotes: z.array(z.object({ id: z.string(), name: z.string().optional() })).default([]),
  devices: z
    .array(
      z.object({
        id: z.string(),
        model: z.string(),
        remote: z.string().nullable().default(null),
        slot: z.int().optional(),
        serial: z.string().optional(),
        mac: z.string().optional(),
        drives: z.array(V1Drive).default([]),
      }),
    )
    .default([]),
  positions: z.record(z.string(), z.object({ x: z.number(), y: z.number() })).default({}),
});

function v1ToV2(raw: unknown): Step {
  const parsed = V1.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const v1 = parsed.data;
  const errors: FieldError[] = [];
  const size = Number.parseInt(v1.memory, 10) * (v1.memory.endsWith('G') ? 1024 : 1);
  const devices = v1.devices.map((d, i) => {
    const info = deviceModel(d.model);
    if (!info) errors.push({ path: `devices[${i}].model`, message: `unknown model "${d.model}"` });
    const base = {
      id: d.id,
      model: d.model,
      family: info?.family ?? 'other',
      placement: d.remote === null ? { kind: 'main' } : { kind: 'remote', process: d.remote },
      ...(d.slot === undefined ? {} : { slot: d.slot }),
    };
    if (info?.family === 'block') return { ...base, ...(d.serial ? { serial: d.serial } : {}) };
    if (info?.family === 'net')
      return {
        ...base,
        ...(d.mac ? { mac: d.mac } : {}),
        backend: { type: 'user', hostForwards: [] },
      };
    return base;
  });
  if (errors.length > 0) return { ok: false, errors };
  const drives = v1.devices.flatMap((d) =>
    d.drives.map((drive) => ({
      id: drive.id,
      model: drive.model,
      image: { path: drive.file, format: drive.format, readOnly: drive.readonly },
      attachedTo: d.id,
      ...(drive.scsiId === undefined ? {} : { scsiId: drive.scsiId }),
      ...(drive.lun === undefined ? {} : { lun: drive.lun }),
    })),
  );
  return {
    ok: true,
    doc: {
      version: 2,
      vm: {
        name: v1.name,
        machine: v1.machine,
        accel: v1.accel,
        cpus: v1.cpus,
        memoryMiB: size,
        boot: v1.kernel
          ? { kind: 'kernel', kernel: v1.kernel, initrd: v1.initrd ?? '', append: v1.append ?? '' }
          : { kind: 'none' },
        serial: true,
      },
      processes: v1.remotes.map((r) => ({ id: r.id, label: r.name ?? '' })),
      devices,
      drives,
      layout: v1.positions,
    },
  };
}

/**
 * Version 3 added a restart policy per remote process and the VM's spare channels; both have
 * defaults, so a version 2 document keeps its meaning with the version number raised. The rest
 * of the shape is checked by the current schema right after.
 */
function v2ToV3(raw: unknown): Step {
  if (typeof raw !== 'object' || raw === null) {
    return { ok: false, errors: [{ path: '', message: 'a topology must be a JSON object' }] };
  }
  return { ok: true, doc: { ...raw, version: 3 } };
}

/** MIGRATIONS[v] turns version v into version v + 1. */
export const MIGRATIONS: Record<number, (raw: unknown) => Step> = { 1: v1ToV2, 2: v2ToV3 };
