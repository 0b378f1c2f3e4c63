import { describe, expect, it } from 'vitest';
import rich from '../../../../examples/rich.json' with { type: 'json' };
import upstream from '../../../../examples/upstream-lsi.json' with { type: 'json' };
import { idPrefix } from '../edit/id-prefix.ts';
import { loadTopology } from '../load.ts';
import { planLaunch } from '../plan/plan.ts';
import { renderReadableText } from '../plan/render.ts';
import { resolveDocumentPaths } from '../resolve-paths.ts';
import { DEFAULT_SPARE_CHANNELS, type Topology } from '../schema.ts';
import { DEFAULT_RESTART_POLICY } from '../live/restart-policy.ts';
import { importCommandLines } from './import-command-lines.ts';
import { importText } from './index.ts';

/** The remote and main lines of https://www.qemu.org/docs/master/system/multi-process.html. */
const UPSTREAM_DOC = String.raw`
      /usr/bin/qemu-system-x86_64                                        \
      -machine x-remote                                                  \
      -device lsi53c895a,id=lsi0                                         \
      -drive id=drive_image2,file=/build/ol7-nvme-test-1.qcow2           \
      -device scsi-hd,id=drive2,drive=drive_image2,bus=lsi0.0,scsi-id=0  \
      -object x-remote-object,id=robj1,devid=lsi0,fd=4,

    -object memory-backend-memfd,id=mem,size=2G

      -device x-pci-proxy-dev,id=lsi0,socket=3
`;

const UPSTREAM_JSON = String.raw`
qemu-system-x86_64 -machine x-remote \
  -device '{"driver":"lsi53c895a","id":"lsi0"}' \
  -blockdev '{"driver":"file","node-name":"img-file","filename":"/srv/a b.img"}' \
  -blockdev '{"driver":"raw","node-name":"img","file":"img-file","read-only":true}' \
  -device '{"driver":"scsi-hd","id":"d0","drive":"img","bus":"lsi0.0","scsi-id":2,"lun":0}' \
  -object '{"qom-type":"x-remote-object","id":"robj1","devid":"lsi0","fd":"3"}'
qemu-system-x86_64 -name vm1 -M q35,accel=kvm,memory-backend=mem -m 1G -smp 2 \
  -object '{"qom-type":"memory-backend-memfd","id":"mem","size":1073741824}' \
  -device '{"driver":"x-pci-proxy-dev","id":"lsi0","fd":"3","addr":"0x5"}'
`;

function loaded(doc: unknown): Topology {
  const r = loadTopology(doc);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return resolveDocumentPaths(r.topology, '/repo/examples');
}

function argvOf(t: Topology) {
  const plan = planLaunch(t, undefined, { runDir: '/tmp/rt' });
  if (!plan.ok) throw new Error(JSON.stringify(plan.problems));
  return plan.plan.processes.map((p) => ({ name: p.name, argv: p.argv, fds: p.fds }));
}

describe('importCommandLines', () => {
  it('imports the upstream doc lines: a remote LSI with its disk, paired by id', () => {
    const r = importCommandLines(UPSTREAM_DOC);
    expect(r.extraArgs).toEqual([]);
    expect(r.topology?.processes).toEqual([
      { id: 'rp0', label: '', restart: DEFAULT_RESTART_POLICY },
    ]);
    expect(r.topology?.devices).toEqual([
      {
        id: 'lsi0',
        family: 'storage',
        model: 'lsi53c895a',
        placement: { kind: 'remote', process: 'rp0' },
      },
    ]);
    expect(r.topology?.drives).toEqual([
      {
        id: 'drive2',
        model: 'scsi-hd',
        image: { path: '/build/ol7-nvme-test-1.qcow2', format: 'qcow2', readOnly: false },
        attachedTo: 'lsi0',
        scsiId: 0,
      },
    ]);
    expect(r.topology?.vm.memoryMiB).toBe(2048);
    // Everything read differently from the text is reported, where it is: the trailing comma,
    // the dropped fd numbers, `socket=` read as the channel, and the guessed format (line 5).
    expect(r.issues.map((i) => [i.severity, i.message, i.span?.line])).toEqual([
      ['info', '-object: trailing comma ignored', 7],
      ['warning', expect.stringMatching(/format.*guess|guess.*format|qcow2/i), 5],
      [
        'info',
        'x-remote-object devid=lsi0: fd=4 dropped; mpqemu creates the socketpair and its fd',
        7,
      ],
      [
        'info',
        'x-pci-proxy-dev id=lsi0: socket=3 read as the channel fd= (QEMU 7.2 has no socket= here); the number is dropped, mpqemu creates the socketpair',
        11,
      ],
    ]);
    expect(r.issues[1]).toMatchObject({ span: { line: 5, column: 14 } });
  });

  it('imports JSON option syntax, VM settings and the proxy slot', () => {
    const r = importCommandLines(UPSTREAM_JSON);
    expect(r.issues.filter((i) => i.severity !== 'info')).toEqual([]);
    const t = r.topology;
    expect(t?.vm).toMatchObject({
      name: 'vm1',
      machine: 'q35',
      accel: 'kvm',
      memoryMiB: 1024,
      cpus: 2,
    });
    expect(t?.devices[0]).toMatchObject({ id: 'lsi0', slot: 5 });
    expect(t?.drives[0]).toEqual({
      id: 'd0',
      model: 'scsi-hd',
      image: { path: '/srv/a b.img', format: 'raw', readOnly: true },
      attachedTo: 'lsi0',
      scsiId: 2,
      lun: 0,
    });
  });

  it.each([
    ['upstream-lsi', upstream],
    ['rich', rich],
  ])('round-trips %s: its readable lines import to the same launch argv', (_, doc) => {
    const original = loaded(doc);
    const plan = planLaunch(original, undefined, { runDir: '/tmp/rt' });
    if (!plan.ok) throw new Error('example has errors');
    const r = importCommandLines(renderReadableText(plan.plan));
    expect(r.extraArgs).toEqual([]);
    expect(r.issues.filter((i) => i.severity !== 'info')).toEqual([]);
    if (!r.topology) throw new Error('no topology');
    expect(argvOf(r.topology)).toEqual(argvOf(original));
    // What the command lines cannot carry: process labels and the canvas layout.
    expect(r.topology).toEqual({
      ...original,
      processes: original.processes.map((p) => ({ ...p, label: '' })),
      layout: {},
    });
  });

  it('keeps what it does not understand as extra arguments, with their words', () => {
    const r = importCommandLines(
      'qemu-system-x86_64 -m 512 -cpu host -device qxl-vga,id=v stray -foo',
    );
    expect(r.extraArgs.map((e) => [e.process, e.words.join(' ')])).toEqual([
      ['main', 'stray'],
      ['main', '-cpu host'],
      ['main', '-device qxl-vga,id=v'],
      ['main', '-foo'],
    ]);
    expect(r.extraArgs[1]?.word).toMatchObject({ index: 4, text: 'host', span: { column: 32 } });
    expect(r.topology?.vm.memoryMiB).toBe(512);
  });

  it('points a JSON syntax error at its column in the pasted text, and gives no topology', () => {
    const r = importCommandLines(`qemu-system-x86_64 \\\n  -device '{"driver": lsi}'`);
    expect(r.topology).toBeNull();
    const error = r.issues.find((i) => i.severity === 'error');
    expect(error?.word?.index).toBe(2);
    expect(error?.span).toMatchObject({ line: 2, column: 23 });
  });

  it('gives no topology for unreadable text, with the position', () => {
    const r = importCommandLines('qemu-system-x86_64 -append "console=ttyS0');
    expect(r.topology).toBeNull();
    expect(r.issues[0]).toMatchObject({ severity: 'error', span: { column: 28 } });
    expect(importCommandLines('   ').topology).toBeNull();
  });

  it('reports a proxy without its remote process and keeps user networking', () => {
    const r = importCommandLines(
      'qemu-system-x86_64 -netdev user,id=n0,hostfwd=tcp:0.0.0.0:2222-:22 -device e1000e,netdev=n0,addr=6 ' +
        '-device x-pci-proxy-dev,id=ghost,fd=3',
    );
    expect(r.topology?.devices).toEqual([
      {
        id: 'nic0',
        family: 'net',
        model: 'e1000e',
        placement: { kind: 'main' },
        slot: 6,
        backend: {
          type: 'user',
          hostForwards: [{ protocol: 'tcp', hostPort: 2222, guestPort: 22 }],
        },
      },
    ]);
    expect(r.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('rebound to 127.0.0.1'),
      expect.stringContaining('no remote process with devid=ghost'),
    ]);
    expect(r.extraArgs.map((e) => e.words.join(' '))).toEqual([
      '-device x-pci-proxy-dev,id=ghost,fd=3',
    ]);
  });
});

describe('importCommandLines, pairing proxies', () => {
  it('never says a remote process is missing when there is one whose device was not imported', () => {
    const r = importCommandLines(
      [
        'qemu-system-x86_64 -machine x-remote -device rtl8139,id=nic0 -object x-remote-object,id=r,devid=nic0,fd=4',
        'qemu-system-x86_64 -m 256 -device x-pci-proxy-dev,id=nic0,fd=3',
      ].join('\n'),
    );
    const messages = r.issues.map((i) => i.message).join('\n');
    expect(messages).not.toContain('no remote process with devid=nic0');
    expect(messages).toContain('x-remote-object devid=nic0: no such device in this process');
    expect(r.extraArgs.map((e) => [e.process, e.reason])).toEqual([
      ['main', 'the device nic0 of remote process rp0 was not imported'],
      ['rp0', 'device model not in the catalogue, or its drive could not be read'],
    ]);
  });
});

describe('importCommandLines, VM settings and legacy drives', () => {
  it('reads versioned machines, -enable-kvm, -smp topology and a kernel boot', () => {
    const r = importCommandLines(
      "qemu-system-x86_64 -M pc-q35-7.2 -enable-kvm -smp sockets=2,cores=2 -m size=1G -kernel /k -append 'a b'",
    );
    expect(r.topology?.vm).toEqual({
      name: 'imported',
      machine: 'q35',
      accel: 'kvm',
      cpus: 4,
      memoryMiB: 1024,
      boot: { kind: 'kernel', kernel: '/k', initrd: '', append: 'a b' },
      serial: true,
      spareChannels: DEFAULT_SPARE_CHANNELS,
    });
    expect(r.extraArgs).toEqual([]);
  });

  it('imports a simple -drive behind virtio-blk, keeps an if=virtio one as extra', () => {
    const r = importCommandLines(
      'qemu-system-x86_64 -drive id=d1,file=/img.raw,format=raw,if=none,readonly=on ' +
        '-device virtio-blk-pci,drive=d1,id=vb,bootindex=0 -drive file=/other.qcow2,if=virtio',
    );
    expect(r.topology?.drives).toEqual([
      {
        id: 'd1',
        model: 'disk-image',
        image: { path: '/img.raw', format: 'raw', readOnly: true },
        attachedTo: 'vb',
      },
    ]);
    expect(r.topology?.vm.boot).toEqual({ kind: 'disk', drive: 'd1' });
    expect(r.extraArgs.map((e) => e.words.join(' '))).toEqual([
      '-drive file=/other.qcow2,if=virtio',
    ]);
  });
});

describe('importText', () => {
  it('loads a topology JSON, with field errors when broken', () => {
    expect(importText(JSON.stringify(upstream)).topology?.vm.name).toBe('upstream-lsi');
    const broken = importText('{"version": 2, "vm": {}}');
    expect(broken.topology).toBeNull();
    expect(broken.issues[0]?.message).toMatch(/^vm\./);
  });

  it("names devices without an id with the designer's prefixes", () => {
    const r = importCommandLines(
      'qemu-system-x86_64 -netdev user,id=n0 -device virtio-net-pci,netdev=n0 ' +
        '-device pci-testdev -device lsi53c895a -device lsi53c895a -device virtio-scsi-pci',
    );
    expect(r.topology?.devices.map((d) => d.id)).toEqual([
      'vnet0',
      'testdev0',
      'lsi0',
      'lsi1',
      'vscsi0',
    ]);
    expect(r.topology?.devices.map((d) => idPrefix(d.model))).toEqual([
      'vnet',
      'testdev',
      'lsi',
      'lsi',
      'vscsi',
    ]);
  });
});
