/**
 * Options that run commands or open arbitrary files cannot be expressed. Over valid documents
 * built from the whole catalogue (any model, placement and drive, hostile text in every free-text
 * field), no planned process gets such an option, every process carries the strict sandbox, and
 * the schema refuses any field a document could use to smuggle one in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEVICE_MODELS,
  loadTopology,
  planLaunch,
  validate,
  type DeviceModelInfo,
  type LaunchPlan,
  type TopologyInput,
} from '../src/index.ts';
import { KVM_CAPS } from './support/build.ts';
import { readClassic, readJson, readOptions } from './support/qemu-argv.ts';

const RUN_DIR = '/run/mpqemu/RUN';
const SANDBOX_ARG = 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny';
/** Options that read a config, load code, write a log to any path, or take fds and migrations. */
const FORBIDDEN_FLAGS = ['-readconfig', '-plugin', '-D', '-incoming', '-add-fd', '-drive'];
/** In an option key: a command run by the host (guestfwd=cmd:, tap scripts, exec: migration). */
const FORBIDDEN_KEY_PARTS = ['guestfwd', 'script=', 'downscript=', 'exec:'];
const JSON_FLAGS = new Set(['-device', '-object', '-blockdev', '-netdev']);
const IMPLIED: Record<string, string> = { '-machine': 'type', '-chardev': 'backend' };

/** Text aimed at every parser between the document and QEMU's command line. */
const hostile = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        '-readconfig /etc/x',
        '-plugin /tmp/p.so',
        '-D /etc/passwd',
        '-incoming exec:sh',
        '-add-fd fd=3,set=1',
        '-drive file=/etc/shadow',
        '-chardev socket,id=x,path=/tmp/s',
        ',guestfwd=tcp:10.0.2.100:80-cmd:sh',
        ',script=/bin/sh',
        ',downscript=/bin/sh',
        'exec:',
        ',file=/etc/shadow',
        'json:{"driver":"file"}',
        ',',
        ',,',
        '=',
        '"',
        '{',
        '}',
        ' ',
        '\n',
        'a',
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join('')),
  fc.string({ maxLength: 20 }),
);
const absolutePath = hostile.map((s) => `/img/${s}`);
/**
 * Fields with a strict pattern (the VM name, serials): mostly values that pass, which still carry
 * spaces, dots and dashes, and sometimes hostile text, which the validator refuses.
 */
const strict = (pattern: RegExp) =>
  fc.oneof({ weight: 4, arbitrary: fc.stringMatching(pattern) }, { weight: 1, arbitrary: hostile });

type DeviceInput = TopologyInput['devices'][number];
type DriveInput = TopologyInput['drives'][number];

interface DeviceChoice {
  model: DeviceModelInfo;
  remote: boolean;
  slot: boolean;
  drives: number;
  text: string;
  path: string;
  forward: boolean;
}

const deviceChoice = fc.record({
  model: fc.constantFrom(...DEVICE_MODELS),
  remote: fc.boolean(),
  slot: fc.boolean(),
  drives: fc.integer({ min: 0, max: 2 }),
  text: strict(/^-?[A-Za-z0-9_-]{1,19}$/),
  path: absolutePath,
  forward: fc.boolean(),
});

function drivesFor(id: string, c: DeviceChoice): DriveInput[] {
  const accepts = c.model.accepts;
  if (!accepts) return [];
  if (accepts.bus === 'drive-slot') {
    return [
      {
        id: `${id}-img`,
        model: 'disk-image',
        image: { path: c.path, format: c.drives === 1 ? 'raw' : 'qcow2' },
        attachedTo: id,
      },
    ];
  }
  return Array.from({ length: c.drives }, (_, j) => ({
    id: `${id}-d${j}`,
    model: j === 0 ? 'scsi-hd' : 'scsi-cd',
    image: { path: `${c.path}${j}`, format: 'raw' },
    attachedTo: id,
    scsiId: j,
  }));
}

function deviceFor(id: string, i: number, c: DeviceChoice): DeviceInput {
  const proxied = c.remote && c.model.proxy.status !== 'unsupported';
  const base = {
    id,
    placement: proxied ? { kind: 'remote' as const, process: `rp${i}` } : { kind: 'main' as const },
    ...(c.slot ? { slot: 10 + i } : {}),
  };
  switch (c.model.family) {
    case 'storage':
      return { ...base, family: 'storage', model: c.model.model } as DeviceInput;
    case 'block':
      return { ...base, family: 'block', model: c.model.model, serial: c.text } as DeviceInput;
    case 'net':
      return {
        ...base,
        family: 'net',
        model: c.model.model,
        ...(c.forward ? { mac: `52:54:00:12:34:${(16 + i).toString(16)}` } : {}),
        backend: {
          type: 'user',
          hostForwards: c.forward ? [{ protocol: 'tcp', hostPort: 20_000 + i, guestPort: 22 }] : [],
        },
      } as DeviceInput;
    case 'display':
      return { ...base, family: 'display', model: c.model.model } as DeviceInput;
    case 'other':
      return { ...base, family: 'other', model: c.model.model } as DeviceInput;
  }
}

/** A document built from the catalogue; hostile text in the name, labels, serials, paths, append. */
const documents = fc
  .record({
    name: strict(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,30}$/),
    machine: fc.constantFrom('pc' as const, 'q35' as const),
    accel: fc.constantFrom('tcg' as const, 'kvm' as const),
    boot: fc.constantFrom('kernel' as const, 'disk' as const, 'none' as const),
    kernel: absolutePath,
    append: hostile,
    serial: fc.boolean(),
    label: hostile,
    devices: fc.array(deviceChoice, { maxLength: 6 }),
  })
  .map((r): TopologyInput => {
    const devices = r.devices.map((c, i) => deviceFor(`d${i}`, i, c));
    const drives = r.devices.flatMap((c, i) => drivesFor(`d${i}`, c));
    const processes = devices.flatMap((d) =>
      d.placement.kind === 'remote' ? [{ id: d.placement.process, label: r.label }] : [],
    );
    const first = drives[0];
    const boot =
      r.boot === 'kernel'
        ? { kind: 'kernel' as const, kernel: r.kernel, initrd: `${r.kernel}.gz`, append: r.append }
        : r.boot === 'disk' && first
          ? { kind: 'disk' as const, drive: first.id }
          : { kind: 'none' as const };
    return {
      version: 3,
      vm: {
        name: r.name,
        machine: r.machine,
        accel: r.accel,
        cpus: 1,
        memoryMiB: 256,
        boot,
        serial: r.serial,
      },
      processes,
      devices,
      drives,
    };
  });

/** Every key of a JSON option, nested ones included (`hostfwd: [{ str }]`). */
function deepKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(deepKeys);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...deepKeys(v)]);
}

function checkProcesses(plan: LaunchPlan): void {
  for (const p of plan.processes) {
    // Read the way QEMU reads argv: a value that looks like `-readconfig` (the kernel command
    // line, say) is the argument of the option before it, not an option; unknown flags throw.
    const options = readOptions(p.argv.slice(1));
    const flags = options.map((o) => o.flag);
    for (const f of FORBIDDEN_FLAGS) expect(flags, `${p.name}: ${f}`).not.toContain(f);
    expect(options.filter((o) => o.flag === '-sandbox').map((o) => o.arg)).toEqual([SANDBOX_ARG]);

    const chardevs = options.filter((o) => o.flag === '-chardev').map((o) => o.arg ?? '');
    const expected = [
      // Connected socketpair ends the launcher holds: nothing listens, no path is opened.
      { backend: 'socket', id: 'qmp', fd: String(p.qmpFd) },
      ...(p.serialFd === null
        ? []
        : [{ backend: 'socket', id: 'serial0', fd: String(p.serialFd) }]),
    ];
    expect(chardevs.map((c) => Object.fromEntries(readClassic(c, 'backend')))).toEqual(expected);

    for (const o of options) {
      if (o.arg === undefined) continue;
      const keys = JSON_FLAGS.has(o.flag)
        ? deepKeys(readJson(o.arg))
        : ['-name', '-machine', '-chardev', '-mon', '-sandbox'].includes(o.flag)
          ? readClassic(o.arg, IMPLIED[o.flag]).map(([k]) => `${k}=`)
          : [];
      for (const key of keys) {
        for (const part of FORBIDDEN_KEY_PARTS) {
          expect(key.toLowerCase(), `${p.name} ${o.flag}`).not.toContain(part);
        }
      }
      if (o.flag === '-netdev') expect(readJson(o.arg).type).toBe('user');
    }
  }
}

describe('options that run commands or open arbitrary files cannot be expressed', () => {
  it('no planned process of a valid document carries one; every process is sandboxed', () => {
    let planned = 0;
    let processes = 0;
    fc.assert(
      fc.property(documents, (doc) => {
        const loaded = loadTopology(JSON.parse(JSON.stringify(doc)));
        if (!loaded.ok) return;
        const result = planLaunch(loaded.topology, KVM_CAPS, { runDir: RUN_DIR });
        if (!result.ok) {
          expect(validate(loaded.topology, KVM_CAPS).some((p) => p.severity === 'error')).toBe(
            true,
          );
          return;
        }
        planned++;
        processes += result.plan.processes.length;
        checkProcesses(result.plan);
      }),
      { numRuns: 400 },
    );
    // Not vacuous: most generated documents are valid, many with remote processes.
    expect(planned).toBeGreaterThan(100);
    expect(processes).toBeGreaterThan(planned * 1.5);
  });

  const base = (): TopologyInput => ({
    version: 3,
    vm: {
      name: 'vm',
      machine: 'pc',
      accel: 'tcg',
      cpus: 1,
      memoryMiB: 256,
      boot: { kind: 'kernel', kernel: '/k' },
    },
    processes: [{ id: 'rp0' }],
    devices: [
      {
        id: 'nic0',
        family: 'net',
        model: 'e1000e',
        placement: { kind: 'remote', process: 'rp0' },
        backend: {
          type: 'user',
          hostForwards: [{ protocol: 'tcp', hostPort: 2222, guestPort: 22 }],
        },
      },
    ],
    drives: [],
  });

  /** Where a smuggled key can go: every object of the document. */
  const PLACES: [string, (d: Record<string, unknown>) => Record<string, unknown>][] = [
    ['', (d) => d],
    ['vm', (d) => d.vm as Record<string, unknown>],
    ['vm.boot', (d) => (d.vm as { boot: Record<string, unknown> }).boot],
    ['processes[0]', (d) => (d.processes as Record<string, unknown>[])[0]!],
    ['devices[0]', (d) => (d.devices as Record<string, unknown>[])[0]!],
    [
      'devices[0].placement',
      (d) => (d.devices as { placement: Record<string, unknown> }[])[0]!.placement,
    ],
    [
      'devices[0].backend',
      (d) => (d.devices as { backend: Record<string, unknown> }[])[0]!.backend,
    ],
    [
      'devices[0].backend.hostForwards[0]',
      (d) =>
        (d.devices as { backend: { hostForwards: Record<string, unknown>[] } }[])[0]!.backend
          .hostForwards[0]!,
    ],
  ];
  const SMUGGLED = [
    'extraArgs',
    'args',
    'argv',
    'qemuArgs',
    'options',
    'readconfig',
    'plugin',
    'incoming',
    'guestfwd',
    'script',
    'downscript',
    'chardev',
    'drive',
    'fd',
    'hostAddress',
  ];

  it('the schema refuses an extra field anywhere (extraArgs, guestfwd, script…), naming it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PLACES),
        fc.constantFrom(...SMUGGLED),
        fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
        ([where, at], key, value) => {
          const doc = base() as unknown as Record<string, unknown>;
          at(doc)[key] = value;
          const loaded = loadTopology(doc);
          expect(loaded.ok).toBe(false);
          if (loaded.ok) return;
          const path = where === '' ? key : `${where}.${key}`;
          const error = loaded.errors.find((e) => e.path === path);
          expect(error?.message, JSON.stringify(loaded.errors)).toContain(`unknown field "${key}"`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the schema refuses tap networking and its scripts, naming the field', () => {
    const doc = base();
    const nic = doc.devices[0] as Record<string, unknown>;
    nic.backend = { type: 'tap', ifname: 'tap0', script: '/bin/sh', downscript: '/bin/sh' };
    const loaded = loadTopology(doc);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map((e) => e.path)).toContain('devices[0].backend.type');
  });

  it('the schema refuses an image with a backing file of its own choosing', () => {
    const doc = base();
    doc.drives = [
      {
        id: 'disk0',
        model: 'disk-image',
        image: { path: '/img/a.qcow2', format: 'qcow2', backing: '/etc/shadow' } as never,
        attachedTo: null,
      },
    ];
    const loaded = loadTopology(doc);
    expect(loaded.ok ? [] : loaded.errors.map((e) => e.path)).toEqual(['drives[0].image.backing']);
  });
});
