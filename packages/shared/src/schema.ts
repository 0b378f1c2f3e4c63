/**
 * The topology document: what the user designs and saves. Structure and types are checked here;
 * cross-field rules (ids, clashes, QEMU limits) are the validator's, so that an unfinished design
 * can still be held, saved and shown with its problems on the right nodes.
 */
import * as z from 'zod';
import { DEFAULT_RESTART_POLICY } from './live/restart-policy.ts';
import {
  BLOCK_MODELS,
  IMAGE_FORMATS,
  DISPLAY_MODELS,
  NET_MODELS,
  OTHER_MODELS,
  STORAGE_MODELS,
} from './catalogue.ts';

export const TOPOLOGY_VERSION = 3;

/** Enough for a few restarts and hot-adds; each costs one fd in the main QEMU and the server. */
export const DEFAULT_SPARE_CHANNELS = 4;
export const MAX_SPARE_CHANNELS = 64;

/** Generous bound: long values are reported by the validator, not rejected as a broken file. */
const Text = z.string().max(65_536);

export const PlacementSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('main') }),
  z.strictObject({ kind: z.literal('remote'), process: Text }),
]);

/** PCI slot number on bus 0 (device 1-31; 0 is the host bridge). */
export const PciSlotSchema = z.int().min(0).max(31);

const deviceBase = {
  id: Text,
  placement: PlacementSchema,
  slot: PciSlotSchema.optional(),
};

export const StorageDeviceSchema = z.strictObject({
  ...deviceBase,
  family: z.literal('storage'),
  model: z.enum(STORAGE_MODELS),
});

export const BlockDeviceSchema = z.strictObject({
  ...deviceBase,
  family: z.literal('block'),
  model: z.enum(BLOCK_MODELS),
  /** Serial number shown to the guest (NVMe requires one). */
  serial: Text.optional(),
});

export const HostForwardSchema = z.strictObject({
  protocol: z.enum(['tcp', 'udp']),
  hostPort: z.int().min(1).max(65_535),
  guestPort: z.int().min(1).max(65_535),
});

/** Only user-mode networking: tap needs scripts or privileges, which we refuse to express. */
export const NetBackendSchema = z.strictObject({
  type: z.literal('user'),
  hostForwards: z.array(HostForwardSchema).max(64).default([]),
});

export const NetDeviceSchema = z.strictObject({
  ...deviceBase,
  family: z.literal('net'),
  model: z.enum(NET_MODELS),
  mac: Text.optional(),
  backend: NetBackendSchema,
});

/** A graphics card; the validator keeps it in the main QEMU, whose screen the UI shows. */
export const DisplayDeviceSchema = z.strictObject({
  ...deviceBase,
  family: z.literal('display'),
  model: z.enum(DISPLAY_MODELS),
});

export const OtherDeviceSchema = z.strictObject({
  ...deviceBase,
  family: z.literal('other'),
  model: z.enum(OTHER_MODELS),
});

export const DeviceSchema = z.discriminatedUnion('family', [
  StorageDeviceSchema,
  BlockDeviceSchema,
  NetDeviceSchema,
  DisplayDeviceSchema,
  OtherDeviceSchema,
]);

export const ImageSchema = z.strictObject({
  path: Text,
  format: z.enum(IMAGE_FORMATS),
  readOnly: z.boolean().default(false),
});

export const DriveSchema = z.strictObject({
  id: Text,
  model: z.enum(['scsi-hd', 'scsi-cd', 'disk-image']),
  image: ImageSchema,
  /** The controller or drive-bearing device this drive hangs off; null while unattached. */
  attachedTo: Text.nullable(),
  scsiId: z.int().min(0).max(65_535).optional(),
  lun: z.int().min(0).max(65_535).optional(),
});

export const BootSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('kernel'),
    kernel: Text,
    initrd: Text.default(''),
    append: Text.default(''),
  }),
  z.strictObject({ kind: z.literal('disk'), drive: Text }),
  z.strictObject({ kind: z.literal('none') }),
]);

export const VmSchema = z.strictObject({
  name: Text,
  machine: z.enum(['pc', 'q35']),
  accel: z.enum(['tcg', 'kvm']),
  cpus: z.int().min(1).max(1024),
  memoryMiB: z
    .int()
    .min(1)
    .max(16 * 1024 * 1024),
  boot: BootSchema,
  /** Route the guest's first serial port to the console in the UI. */
  serial: z.boolean().default(true),
  /**
   * Socketpair ends the main QEMU inherits at launch without a device, each used up by one
   * restart of a device process or one hot-added device (docs/live.md, "Why spare channels").
   */
  spareChannels: z.int().min(0).max(MAX_SPARE_CHANNELS).default(DEFAULT_SPARE_CHANNELS),
});

/** What the launcher does when a remote process dies while the VM runs. */
export const RestartPolicySchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('never') }),
  z.strictObject({
    mode: z.literal('on-failure'),
    /** At most this many restarts within `windowSeconds`; one more and the run stays degraded. */
    maxRestarts: z.int().min(1).max(100).default(3),
    windowSeconds: z.int().min(1).max(3600).default(60),
    /** Wait before each restart after the first in the window (which is at once); doubles each time. */
    backoffMs: z.int().min(0).max(60_000).default(200),
    /**
     * When the guest does not release the dead device (a driver holds it), reset the guest (QMP
     * system_reset, which completes the unplug and reboots the guest) instead of staying degraded.
     * Off unless set: a reset loses the guest's state.
     */
    resetGuest: z.boolean().optional(),
  }),
]);

export const RemoteProcessSchema = z.strictObject({
  id: Text,
  label: Text.default(''),
  restart: RestartPolicySchema.default(DEFAULT_RESTART_POLICY),
});

export const PositionSchema = z.strictObject({ x: z.number(), y: z.number() });

export const TopologySchema = z.strictObject({
  version: z.literal(TOPOLOGY_VERSION),
  vm: VmSchema,
  processes: z.array(RemoteProcessSchema).max(4096),
  devices: z.array(DeviceSchema).max(16_384),
  drives: z.array(DriveSchema).max(16_384),
  /** Canvas positions by node id; saved with the document, never part of what is launched. */
  layout: z.record(Text, PositionSchema).default({}),
});

export type Placement = z.infer<typeof PlacementSchema>;
export type StorageDevice = z.infer<typeof StorageDeviceSchema>;
export type BlockDevice = z.infer<typeof BlockDeviceSchema>;
export type NetDevice = z.infer<typeof NetDeviceSchema>;
export type DisplayDevice = z.infer<typeof DisplayDeviceSchema>;
export type OtherDevice = z.infer<typeof OtherDeviceSchema>;
export type Device = z.infer<typeof DeviceSchema>;
export type Drive = z.infer<typeof DriveSchema>;
export type Boot = z.infer<typeof BootSchema>;
export type Vm = z.infer<typeof VmSchema>;
export type RemoteProcess = z.infer<typeof RemoteProcessSchema>;
export type RestartPolicy = z.infer<typeof RestartPolicySchema>;
export type Position = z.infer<typeof PositionSchema>;
export type Topology = z.infer<typeof TopologySchema>;
/** What a caller may hand in: defaults not yet applied. */
export type TopologyInput = z.input<typeof TopologySchema>;
