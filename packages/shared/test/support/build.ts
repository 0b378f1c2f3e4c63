/** Small builders for test documents: every helper returns a schema-checked `Topology`. */
import {
  DEFAULT_CAPABILITIES,
  TopologySchema,
  type Capabilities,
  type TopologyInput,
} from '../../src/index.ts';

type DeviceInput = TopologyInput['devices'][number];
type DriveInput = TopologyInput['drives'][number];
type VmInput = TopologyInput['vm'];

/** KVM present and usable, so that documents with proxied devices carry no TCG warning. */
export const KVM_CAPS: Capabilities = {
  ...DEFAULT_CAPABILITIES,
  accels: { tcg: { present: true, usable: true }, kvm: { present: true, usable: true } },
};

export const MAIN = { kind: 'main' } as const;
export const remote = (process: string) => ({ kind: 'remote', process }) as const;

function vm(over: Partial<VmInput> = {}): VmInput {
  return {
    name: 'vm',
    machine: 'pc',
    accel: 'kvm',
    cpus: 1,
    memoryMiB: 256,
    boot: { kind: 'kernel', kernel: '/boot/vmlinuz' },
    ...over,
  };
}

/** A document with defaults applied; the base has no problems at all under `KVM_CAPS`. */
export function topo(over: Partial<Omit<TopologyInput, 'vm'>> & { vm?: Partial<VmInput> } = {}) {
  const { vm: vmOver, ...rest } = over;
  return TopologySchema.parse({
    version: 3,
    processes: [],
    devices: [],
    drives: [],
    ...rest,
    vm: vm(vmOver),
  } satisfies TopologyInput);
}

type Placement = typeof MAIN | ReturnType<typeof remote>;

export const dev = {
  lsi: (id: string, placement: Placement = MAIN, slot?: number): DeviceInput => ({
    id,
    family: 'storage',
    model: 'lsi53c895a',
    placement,
    ...(slot === undefined ? {} : { slot }),
  }),
  virtioScsi: (id: string, placement: Placement = MAIN): DeviceInput => ({
    id,
    family: 'storage',
    model: 'virtio-scsi-pci',
    placement,
  }),
  vblk: (id: string, placement: Placement = MAIN, serial?: string): DeviceInput => ({
    id,
    family: 'block',
    model: 'virtio-blk-pci',
    placement,
    ...(serial === undefined ? {} : { serial }),
  }),
  vga: (id: string, placement: Placement = MAIN): DeviceInput => ({
    id,
    family: 'display',
    model: 'VGA',
    placement,
  }),
  nvme: (id: string, placement: Placement = MAIN): DeviceInput => ({
    id,
    family: 'block',
    model: 'nvme',
    placement,
  }),
  e1000e: (
    id: string,
    placement: Placement = MAIN,
    extra: { mac?: string; fwd?: [number, number][] } = {},
  ): DeviceInput => ({
    id,
    family: 'net',
    model: 'e1000e',
    placement,
    ...(extra.mac === undefined ? {} : { mac: extra.mac }),
    backend: {
      type: 'user',
      hostForwards: (extra.fwd ?? []).map(([hostPort, guestPort]) => ({
        protocol: 'tcp' as const,
        hostPort,
        guestPort,
      })),
    },
  }),
  testdev: (id: string, placement: Placement = MAIN, slot?: number): DeviceInput => ({
    id,
    family: 'other',
    model: 'pci-testdev',
    placement,
    ...(slot === undefined ? {} : { slot }),
  }),
};

export const drive = {
  hd: (
    id: string,
    attachedTo: string | null,
    /** null: no SCSI id at all. */
    scsiId: number | null = 0,
    over: Partial<DriveInput> = {},
  ): DriveInput => ({
    id,
    model: 'scsi-hd',
    image: { path: `/img/${id}.raw`, format: 'raw' },
    attachedTo,
    ...(scsiId === null ? {} : { scsiId }),
    ...over,
  }),
  cd: (id: string, attachedTo: string, scsiId = 0): DriveInput => ({
    id,
    model: 'scsi-cd',
    image: { path: `/img/${id}.iso`, format: 'raw' },
    attachedTo,
    scsiId,
  }),
  image: (id: string, attachedTo: string | null, over: Partial<DriveInput> = {}): DriveInput => ({
    id,
    model: 'disk-image',
    image: { path: `/img/${id}.qcow2`, format: 'qcow2' },
    attachedTo,
    ...over,
  }),
};
