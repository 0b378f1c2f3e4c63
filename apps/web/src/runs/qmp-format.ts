/**
 * Turns the `return` value of an allow-listed QMP operation into rows a person reads. The server
 * forwards QEMU's answer as is (typed `unknown`), so each shape is parsed loosely: only the fields
 * shown are required, and an answer of another shape falls back to the raw JSON view.
 */
import type { QmpOperation } from '@mpqemu/shared';
import * as z from 'zod';

const PciDeviceSchema = z.object({
  bus: z.number(),
  slot: z.number(),
  function: z.number(),
  class_info: z.object({ class: z.number(), desc: z.string().optional() }),
  id: z.object({ vendor: z.number(), device: z.number() }),
  qdev_id: z.string(),
  // Devices behind a PCI bridge are listed inside the bridge, not on the top-level bus.
  get pci_bridge() {
    return z.object({ devices: z.array(PciDeviceSchema).optional() }).optional();
  },
});
type PciDevice = z.infer<typeof PciDeviceSchema>;

const PciResultSchema = z.array(z.object({ devices: z.array(PciDeviceSchema) }));

const BlockNodeSchema = z.object({
  'node-name': z.string().optional(),
  drv: z.string(),
  file: z.string(),
  ro: z.boolean(),
});
const NamedNodesResultSchema = z.array(BlockNodeSchema);
const BlockResultSchema = z.array(
  z.object({
    device: z.string(),
    qdev: z.string().optional(),
    inserted: BlockNodeSchema.optional(),
  }),
);
const StatusResultSchema = z.object({ status: z.string(), running: z.boolean() });

export interface PciRow {
  /** bus:slot.function in hex, as lspci writes it. */
  address: string;
  /** vendor:device, 4 hex digits each. */
  ids: string;
  className: string;
  qdevId: string;
}

export interface BlockRow {
  /** The guest-facing device (query-block only). */
  device: string | null;
  nodeName: string;
  driver: string;
  file: string;
  readOnly: boolean | null;
}

export type QmpView =
  | { kind: 'pci'; rows: PciRow[] }
  | { kind: 'block'; withDevice: boolean; rows: BlockRow[] }
  | { kind: 'status'; line: string }
  | { kind: 'done' }
  | { kind: 'raw' };

/** `n` in lower-case hex, zero-padded to `width` digits. */
export function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function pciRow(d: PciDevice): PciRow {
  const cls = hex(d.class_info.class, 4);
  return {
    address: `${hex(d.bus, 2)}:${hex(d.slot, 2)}.${hex(d.function, 1)}`,
    ids: `${hex(d.id.vendor, 4)}:${hex(d.id.device, 4)}`,
    className: d.class_info.desc === undefined ? cls : `${cls} ${d.class_info.desc}`,
    qdevId: d.qdev_id,
  };
}

function flattenPci(devices: readonly PciDevice[]): PciRow[] {
  return devices.flatMap((d) => [pciRow(d), ...flattenPci(d.pci_bridge?.devices ?? [])]);
}

/**
 * The readable view of an operation's result: a table for PCI and block queries, a line for the
 * status, "done" for an action's empty answer, "raw" when the answer has an unexpected shape.
 */
export function describeQmpResult(op: QmpOperation, result: unknown): QmpView {
  switch (op) {
    case 'query-pci': {
      const parsed = PciResultSchema.safeParse(result);
      if (!parsed.success) return { kind: 'raw' };
      return { kind: 'pci', rows: flattenPci(parsed.data.flatMap((bus) => bus.devices)) };
    }
    case 'query-named-block-nodes': {
      const parsed = NamedNodesResultSchema.safeParse(result);
      if (!parsed.success) return { kind: 'raw' };
      const rows = parsed.data.map((n) => ({ device: null, ...blockNode(n) }));
      return { kind: 'block', withDevice: false, rows };
    }
    case 'query-block': {
      const parsed = BlockResultSchema.safeParse(result);
      if (!parsed.success) return { kind: 'raw' };
      const rows = parsed.data.map((b) => ({
        // The qdev id is what the topology calls the device; `device` is empty for -blockdev.
        device: b.qdev ?? b.device,
        ...(b.inserted
          ? blockNode(b.inserted)
          : { nodeName: '', driver: '', file: '(no medium)', readOnly: null }),
      }));
      return { kind: 'block', withDevice: true, rows };
    }
    case 'query-status': {
      const parsed = StatusResultSchema.safeParse(result);
      if (!parsed.success) return { kind: 'raw' };
      const { status, running } = parsed.data;
      return { kind: 'status', line: `${status} (vCPUs ${running ? 'running' : 'stopped'})` };
    }
    case 'system_reset':
    case 'system_powerdown':
      return isEmptyObject(result) ? { kind: 'done' } : { kind: 'raw' };
  }
}

function blockNode(n: z.infer<typeof BlockNodeSchema>): Omit<BlockRow, 'device'> {
  return { nodeName: n['node-name'] ?? '', driver: n.drv, file: n.file, readOnly: n.ro };
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}
