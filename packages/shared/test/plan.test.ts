import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CAPABILITIES,
  planLaunch,
  type LaunchPlan,
  type PlannedProcess,
  type Topology,
} from '../src/index.ts';
import { KVM_CAPS, MAIN, dev, drive, remote, topo } from './support/build.ts';
import { checkPlan } from './support/check-plan.ts';
import { readJson, readOptions } from './support/qemu-argv.ts';

function plan(t: Topology, caps = KVM_CAPS): LaunchPlan {
  const r = planLaunch(t, caps, { runDir: '/run/r' });
  if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 2));
  checkPlan(r.plan, t, caps.binary);
  return r.plan;
}

const proc = (p: LaunchPlan, name: string): PlannedProcess => {
  const found = p.processes.find((x) => x.name === name);
  if (!found) throw new Error(`no process ${name}`);
  return found;
};
/** The option arguments of `flag`, JSON-decoded where they are JSON. */
const argsOf = (p: PlannedProcess, flag: string) =>
  readOptions(p.argv.slice(1))
    .filter((o) => o.flag === flag)
    .map((o) => o.arg ?? '');
const jsonOf = (p: PlannedProcess, flag: string) => argsOf(p, flag).map(readJson);
const deviceById = (p: PlannedProcess, id: string) => jsonOf(p, '-device').find((d) => d.id === id);

const rps = (...ids: string[]) => ids.map((id) => ({ id }));

describe('planLaunch', () => {
  it('backs guest RAM with memfd only when a device is proxied', () => {
    const local = proc(plan(topo({ devices: [dev.lsi('lsi0')] })), 'main');
    expect(argsOf(local, '-machine')).toEqual(['pc']);
    expect(jsonOf(local, '-object')).toEqual([]);

    const proxied = proc(
      plan(topo({ processes: rps('rp0'), devices: [dev.lsi('lsi0', remote('rp0'))] })),
      'main',
    );
    expect(argsOf(proxied, '-machine')).toEqual(['pc,memory-backend=mem']);
    expect(jsonOf(proxied, '-object')).toEqual([
      { 'qom-type': 'memory-backend-memfd', id: 'mem', size: 256 * 1024 * 1024 },
    ]);
    expect(argsOf(proxied, '-m')).toEqual(['256M']);
  });

  it("serves the screen of a display device on the run directory's socket only", () => {
    const withDisplay = plan(
      topo({ processes: rps('rp0'), devices: [dev.vga('vga0'), dev.lsi('lsi0', remote('rp0'))] }),
    );
    const main = proc(withDisplay, 'main');
    expect(main.vnc).toBe('/run/r/screen/vnc.sock');
    expect(argsOf(main, '-vnc')).toEqual(['unix:/run/r/screen/vnc.sock']);
    expect(deviceById(main, 'vga0')).toEqual({ driver: 'VGA', id: 'vga0', addr: '0x2' });
    expect(proc(withDisplay, 'rp0').vnc).toBeNull();
    expect(argsOf(proc(withDisplay, 'rp0'), '-vnc')).toEqual([]);

    const headless = proc(plan(topo({ devices: [dev.lsi('lsi0')] })), 'main');
    expect(headless.vnc).toBeNull();
    expect(argsOf(headless, '-vnc')).toEqual([]);
  });

  it('starts remote processes first, in document order, then the main QEMU', () => {
    const p = plan(
      topo({
        processes: rps('rpB', 'rpA'),
        devices: [dev.e1000e('n0', remote('rpA')), dev.lsi('lsi0', remote('rpB'))],
      }),
    );
    expect(p.processes.map((x) => [x.name, x.role])).toEqual([
      ['rpB', 'remote'],
      ['rpA', 'remote'],
      ['main', 'main'],
    ]);
  });

  it('maps fds: fd 3 in every remote, 3..N in the main QEMU in channel order', () => {
    const p = plan(
      topo({
        processes: rps('rp0', 'rp1', 'rp2'),
        devices: [
          dev.lsi('lsi0', remote('rp1')),
          dev.e1000e('n0', remote('rp0')),
          dev.vblk('vb0', remote('rp2')),
        ],
        drives: [drive.image('d0', 'vb0')],
      }),
    );
    expect(p.channels).toEqual([
      { device: 'n0', remote: 'rp0', remoteFd: 3, mainFd: 3 },
      { device: 'lsi0', remote: 'rp1', remoteFd: 3, mainFd: 4 },
      { device: 'vb0', remote: 'rp2', remoteFd: 3, mainFd: 5 },
    ]);
    expect(proc(p, 'rp0').fds).toEqual({ 3: 'n0' });
    expect(proc(p, 'rp1').fds).toEqual({ 3: 'lsi0' });
    expect(proc(p, 'main').fds).toEqual({ 3: 'n0', 4: 'lsi0', 5: 'vb0' });
    expect(jsonOf(proc(p, 'rp1'), '-object')).toEqual([
      { 'qom-type': 'x-remote-object', id: 'robj-lsi0', devid: 'lsi0', fd: '3' },
    ]);
    expect(jsonOf(proc(p, 'main'), '-device').map((d) => [d.driver, d.id, d.fd])).toEqual([
      ['x-pci-proxy-dev', 'n0', '3'],
      ['x-pci-proxy-dev', 'lsi0', '4'],
      ['x-pci-proxy-dev', 'vb0', '5'],
    ]);
  });

  it('skips empty remote processes without shifting the fds', () => {
    const p = plan(
      topo({
        processes: rps('empty', 'rp1'),
        devices: [dev.lsi('lsi0', remote('rp1'))],
      }),
    );
    expect(p.processes.map((x) => x.name)).toEqual(['rp1', 'main']);
    expect(proc(p, 'main').fds).toEqual({ 3: 'lsi0' });
    expect(p.problems.map((x) => x.code)).toEqual(['remote.empty']);
  });

  it('puts drives in the process of their device, and only there', () => {
    const p = plan(
      topo({
        processes: rps('rp0'),
        devices: [dev.lsi('lsi0', remote('rp0')), dev.vblk('vb0')],
        drives: [drive.hd('far', 'lsi0'), drive.image('near', 'vb0')],
      }),
    );
    const names = (x: PlannedProcess) => jsonOf(x, '-blockdev').map((b) => b['node-name']);
    expect(names(proc(p, 'rp0'))).toEqual(['far-file', 'far-fmt']);
    expect(names(proc(p, 'main'))).toEqual(['near-file', 'near-fmt']);
    expect(deviceById(proc(p, 'rp0'), 'far')).toMatchObject({ bus: 'lsi0.0', drive: 'far-fmt' });
    expect(deviceById(proc(p, 'main'), 'far')).toBeUndefined();
    expect(deviceById(proc(p, 'main'), 'vb0')).toMatchObject({ drive: 'near-fmt' });
  });

  it('pins "backing": null on qcow2 only, and always names the format', () => {
    const p = plan(
      topo({
        devices: [dev.vblk('vb0'), dev.vblk('vb1')],
        drives: [
          drive.image('q', 'vb0', { image: { path: '/q.qcow2', format: 'qcow2' } }),
          drive.image('r', 'vb1', { image: { path: '/r.raw', format: 'raw' } }),
        ],
      }),
    );
    const nodes = jsonOf(proc(p, 'main'), '-blockdev');
    expect(nodes.filter((n) => n.driver !== 'file')).toEqual([
      { driver: 'qcow2', 'node-name': 'q-fmt', file: 'q-file', 'read-only': false, backing: null },
      { driver: 'raw', 'node-name': 'r-fmt', file: 'r-file', 'read-only': false },
    ]);
    expect(nodes.filter((n) => n.driver === 'file').map((n) => n.filename)).toEqual([
      '/q.qcow2',
      '/r.raw',
    ]);
  });

  it('forces a scsi-cd read-only, and honours read-only images', () => {
    const p = plan(
      topo({
        devices: [dev.virtioScsi('vs0')],
        drives: [
          drive.cd('cd0', 'vs0', 0),
          drive.hd('ro', 'vs0', 1, { image: { path: '/ro.img', format: 'raw', readOnly: true } }),
          drive.hd('rw', 'vs0', 2),
        ],
      }),
    );
    const ro = Object.fromEntries(
      jsonOf(proc(p, 'main'), '-blockdev').map((n) => [String(n['node-name']), n['read-only']]),
    );
    expect(ro).toEqual({
      'cd0-file': true,
      'cd0-fmt': true,
      'ro-file': true,
      'ro-fmt': true,
      'rw-file': false,
      'rw-fmt': false,
    });
  });

  it('gives bootindex 0 to the boot disk and to nothing else', () => {
    const scsi = plan(
      topo({
        vm: { boot: { kind: 'disk', drive: 'd1' } },
        devices: [dev.lsi('lsi0'), dev.vblk('vb0')],
        drives: [drive.hd('d0', 'lsi0', 0), drive.hd('d1', 'lsi0', 1), drive.image('d2', 'vb0')],
      }),
    );
    const boot = jsonOf(proc(scsi, 'main'), '-device').filter((d) => 'bootindex' in d);
    expect(boot).toEqual([expect.objectContaining({ id: 'd1', bootindex: 0 })]);
    expect(argsOf(proc(scsi, 'main'), '-kernel')).toEqual([]);

    const blk = plan(
      topo({
        vm: { boot: { kind: 'disk', drive: 'd2' } },
        devices: [dev.vblk('vb0')],
        drives: [drive.image('d2', 'vb0')],
      }),
    );
    const blkBoot = jsonOf(proc(blk, 'main'), '-device').filter((d) => 'bootindex' in d);
    expect(blkBoot).toEqual([expect.objectContaining({ id: 'vb0', bootindex: 0 })]);
  });

  it('gives a proxy the slot of its device', () => {
    const p = plan(
      topo({ processes: rps('rp0'), devices: [dev.lsi('lsi0', remote('rp0'), 0x1d)] }),
    );
    expect(deviceById(proc(p, 'main'), 'lsi0')).toEqual({
      driver: 'x-pci-proxy-dev',
      id: 'lsi0',
      fd: '3',
      addr: '0x1d',
    });
    // The device inside the remote sits on the remote's own bus: no address there.
    expect(deviceById(proc(p, 'rp0'), 'lsi0')).toEqual({ driver: 'lsi53c895a', id: 'lsi0' });
  });

  it('addresses automatic devices around explicit slots (QEMU refuses the clash otherwise)', () => {
    // Measured on 7.2: `-device pci-testdev,id=a -device pci-testdev,id=b,addr=0x2` fails with
    // "PCI: slot 2 function 0 not available": a took slot 2 first.
    const p = plan(
      topo({
        processes: rps('rp0'),
        devices: [
          dev.testdev('a'),
          dev.testdev('b', MAIN, 2),
          dev.lsi('c', remote('rp0')),
          dev.testdev('d', MAIN, 4),
        ],
      }),
    );
    expect(p.pciSlots).toEqual({ a: 3, b: 2, d: 4, c: 5 });
    const main = proc(p, 'main');
    expect(['a', 'b', 'c', 'd'].map((id) => deviceById(main, id)?.addr)).toEqual([
      '0x3',
      '0x2',
      '0x5',
      '0x4',
    ]);
    const q35 = plan(topo({ vm: { machine: 'q35' }, devices: [dev.testdev('a')] }));
    expect(q35.pciSlots).toEqual({ a: 1 });
  });

  it('uses all 30 free slots of bus 0 and no reserved one', () => {
    const devices = Array.from({ length: 30 }, (_, i) => dev.testdev(`t${i}`));
    const slots = Object.values(plan(topo({ devices })).pciSlots).sort((a, b) => a - b);
    expect(slots).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
  });

  it('gives nvme its id as serial, binds host forwards to loopback, lowercases MACs', () => {
    const p = plan(
      topo({
        devices: [
          dev.nvme('nv0'),
          dev.e1000e('n0', MAIN, { mac: '52:54:00:AB:CD:EF', fwd: [[2222, 22]] }),
        ],
        drives: [drive.image('d0', 'nv0')],
      }),
    );
    const main = proc(p, 'main');
    expect(deviceById(main, 'nv0')?.serial).toBe('nv0');
    expect(deviceById(main, 'n0')?.mac).toBe('52:54:00:ab:cd:ef');
    expect(jsonOf(main, '-netdev')).toEqual([
      { type: 'user', id: 'n0-net', hostfwd: [{ str: 'tcp:127.0.0.1:2222-:22' }] },
    ]);
  });

  it('leaves out -sandbox when seccomp is not compiled in, and names the probed binary', () => {
    const caps = { ...KVM_CAPS, sandbox: false, binary: '/opt/qemu/bin/qemu-system-x86_64' };
    const p = plan(topo(), caps);
    expect(argsOf(proc(p, 'main'), '-sandbox')).toEqual([]);
    expect(proc(p, 'main').argv[0]).toBe(caps.binary);
  });

  it('has no serial console end when the serial console is off', () => {
    const main = proc(plan(topo({ vm: { serial: false } })), 'main');
    expect(main.serialFd).toBeNull();
    expect(argsOf(main, '-serial')).toEqual([]);
  });

  it('derives a run directory from the VM name when none is given', () => {
    const r = planLaunch(topo({ vm: { name: 'my vm.1' } }), KVM_CAPS);
    expect(r.ok && r.plan.runDir).toBe('/tmp/mpqemu-my_vm.1');
  });

  it('carries the warnings and uses the default capabilities when none are given', () => {
    const t = topo({
      vm: { accel: 'tcg' },
      processes: rps('rp0'),
      devices: [dev.lsi('lsi0', remote('rp0'))],
    });
    const r = planLaunch(t);
    expect(r.ok && r.plan.problems.map((x) => x.code)).toEqual(['proxy.tcg-no-interrupts']);
    expect(r.ok && r.plan.processes[0]?.argv[0]).toBe(DEFAULT_CAPABILITIES.binary);
  });

  it('is deterministic', () => {
    const t = topo({
      processes: rps('rp0'),
      devices: [dev.lsi('lsi0', remote('rp0')), dev.vblk('vb0')],
      drives: [drive.hd('d0', 'lsi0'), drive.image('d1', 'vb0')],
    });
    expect(plan(t)).toEqual(plan(t));
  });
});
