/**
 * The jails, for real: an escape battery run inside exactly the jail the planner makes for a
 * device process (its wrapper, with QEMU swapped for a Node probe), and the sample's processes
 * read back from /proc while it runs. Needs a host that can jail (bubblewrap, user namespaces):
 * elsewhere the tests skip with the probe's measured reason.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planLaunch, type Capabilities, type PlannedProcess } from '@mpqemu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeJail } from '../../src/probe/jail.ts';
import { createCapabilityService } from '../../src/probe/service.ts';
import { StartRefused } from '../../src/runs/types.ts';
import { REPO } from '../support/repo.ts';
import { loadExample, makeManager, managerForFile, TCG_ACK, waitForRun } from '../runs/helpers.ts';

const caps: Capabilities = await createCapabilityService('qemu-system-x86_64').get({ kvm: false });
const jail = caps.jail;
const skip = !jail?.usable
  ? `this host cannot jail: ${jail?.reason ?? 'no jail support probed'}`
  : !process.execPath.startsWith('/usr/')
    ? `the probe runs Node inside the jail, which sees only /usr; this Node is ${process.execPath}`
    : null;
if (skip) console.warn(`jail tests skipped: ${skip}`);

/** The device process the planner makes for the upstream example, on this host. */
function deviceProcess(): PlannedProcess {
  const planned = planLaunch(loadExample('upstream-lsi.json'), caps);
  if (!planned.ok) throw new Error(JSON.stringify(planned.problems));
  const remote = planned.plan.processes.find((p) => p.role === 'remote');
  if (!remote) throw new Error('no device process');
  return remote;
}

/**
 * What the probe tries, each reported as "ok" or the error's code. Run inside the jail: it must
 * fail at everything but its own /tmp.
 */
const PROBE = String.raw`
const fs = require('node:fs');
const net = require('node:net');
const { spawn } = require('node:child_process');
const [targets] = process.argv.slice(1).map((a) => JSON.parse(a));
const out = {};
const code = (e) => e.code ?? e.message;
const tryIt = (name, f) => { try { f(); out[name] = 'ok'; } catch (e) { out[name] = code(e); } };
for (const [name, path] of Object.entries(targets.read)) tryIt('read ' + name, () => fs.readFileSync(path));
tryIt('write /usr', () => fs.writeFileSync('/usr/escape', 'x'));
tryIt('write /', () => fs.writeFileSync('/escape', 'x'));
tryIt('write own /tmp', () => fs.writeFileSync('/tmp/own', 'x'));
tryIt('signal the server', () => process.kill(targets.serverPid, 0));
tryIt('signal a sibling', () => process.kill(targets.siblingPid, 0));
tryIt('see the server in /proc', () => fs.statSync('/proc/' + targets.serverPid));
out.pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
out.root = fs.readdirSync('/').sort();
out.uid = process.getuid();
out.status = fs.readFileSync('/proc/self/status', 'utf8');
tryIt('allocate past the data limit', () => { const keep = []; for (let i = 0; i < 32; i++) keep.push(Buffer.allocUnsafeSlow(128 * 1024 * 1024)); });
const connect = (name, options) => new Promise((resolve) => {
  const s = net.connect(options);
  let settled = false;
  const done = (r) => { if (settled) return; settled = true; out[name] = r; s.destroy(); resolve(); };
  s.once('connect', () => done('ok'));
  s.once('error', (e) => done(code(e)));
  setTimeout(() => done('timeout'), 2000);
});
const spawnMany = () => new Promise((resolve) => {
  let failed = null;
  const kids = [];
  for (let i = 0; i < 100 && failed === null; i++) {
    try {
      const k = spawn('/usr/bin/sleep', ['5']);
      k.once('error', (e) => { failed ??= code(e); });
      kids.push(k);
    } catch (e) { failed = code(e); }
  }
  setTimeout(() => { for (const k of kids) k.kill('SIGKILL'); out['spawn 100 processes'] = failed ?? 'ok'; resolve(); }, 500);
});
(async () => {
  await connect('connect to the server port', { host: '127.0.0.1', port: targets.port });
  await connect('connect to a unix socket outside', { path: targets.unixSocket });
  if (targets.nproc) await spawnMany();
  process.stdout.write(JSON.stringify(out));
})();
`;

interface ProbeOut {
  pids: number;
  root: string[];
  uid: number;
  status: string;
  [attempt: string]: unknown;
}

describe.skipIf(skip !== null)('a device process jail', () => {
  const outside = realpathSync(mkdtempSync(join(tmpdir(), 'mpq-jail-')));
  const files = managerForFile({ stopGraceMs: 1_000 });
  let tcp: Server;
  let unix: Server;
  let port = 0;

  beforeAll(async () => {
    writeFileSync(join(outside, 'other-run.img'), 'secret image');
    tcp = createServer(() => undefined);
    unix = createServer(() => undefined);
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => unix.listen(join(outside, 'sock'), r));
    const address = tcp.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => {
    tcp.close();
    unix.close();
    rmSync(outside, { recursive: true, force: true });
  });

  it('fails every escape attempt, and may write only its own /tmp', () => {
    const device = deviceProcess();
    const sibling = spawn('sleep', ['30']);
    try {
      const targets = {
        read: {
          '/etc/shadow': '/etc/shadow',
          "the data directory's token": join(files.dataDir, 'token'),
          "another run's image": join(outside, 'other-run.img'),
          'the project checkout': join(REPO, 'package.json'),
          "another process's folder": outside,
        },
        serverPid: process.pid,
        siblingPid: sibling.pid,
        port,
        unixSocket: join(outside, 'sock'),
        nproc: device.jail.limits.processes !== null,
      };
      writeFileSync(join(files.dataDir, 'token'), 'not for the guest');
      const argv = [...device.jail.wrapper, process.execPath, '-e', PROBE, JSON.stringify(targets)];
      const [command = '', ...args] = argv;
      const run = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
      expect(run.status, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout) as ProbeOut;
      for (const name of Object.keys(targets.read)) {
        expect(out[`read ${name}`], name).toBe('ENOENT');
      }
      expect(out['write /usr']).toMatch(/EROFS|EACCES/);
      expect(out['write /']).toMatch(/EROFS|EACCES/);
      // The positive control: the probe can act at all, in its own /tmp.
      expect(out['write own /tmp']).toBe('ok');
      // Its own pid namespace: neither the server nor a sibling exists for it.
      expect(out['signal the server']).toBe('ESRCH');
      expect(out['signal a sibling']).toBe('ESRCH');
      expect(out['see the server in /proc']).toBe('ENOENT');
      expect(out.pids).toBeLessThanOrEqual(3);
      // An empty network namespace: refused, unreachable or unanswered, never connected.
      expect(out['connect to the server port']).not.toBe('ok');
      expect(out['connect to a unix socket outside']).toBe('ENOENT');
      expect(out.root).toEqual(['bin', 'dev', 'lib', 'lib64', 'proc', 'sbin', 'tmp', 'usr']);
      expect(out.uid).toBe(65534);
      expect(out.status).toMatch(/^CapEff:\s*0+$/m);
      expect(out.status).toMatch(/^NoNewPrivs:\s*1$/m);
      expect(out['allocate past the data limit']).not.toBe('ok');
      if (targets.nproc) expect(out['spawn 100 processes']).toBe('EAGAIN');
    } finally {
      sibling.kill('SIGKILL');
    }
  });

  it('a document cannot widen it: hostile names leave the wrapper as it was', () => {
    const base = deviceProcess().jail.wrapper;
    const t = loadExample('upstream-lsi.json');
    const hostile = {
      ...t,
      processes: t.processes.map((p) => ({ ...p, label: '--bind / / --share-net --cap-add ALL' })),
      drives: t.drives.map((d) => ({ ...d, image: { ...d.image, path: '/etc/shadow' } })),
    };
    const planned = planLaunch(hostile, caps);
    expect(planned.ok, JSON.stringify(planned)).toBe(true);
    const remote = planned.ok ? planned.plan.processes.find((p) => p.role === 'remote') : null;
    expect(remote?.jail.wrapper).toEqual(base);
  });

  it("shows each running process's jail as /proc has it: its own uid, namespaces and root", async () => {
    const { id } = await files.manager.start(loadExample('upstream-lsi.json'), {
      acknowledged: TCG_ACK,
    });
    const info = await waitForRun(files.manager, id, (r) => r.status === 'running');
    const observed = info.processes.map((p) => p.jail.observed);
    for (const o of observed) {
      expect(o, 'read back').not.toBeNull();
      if (!o) continue;
      expect(o.ownNamespaces).toEqual(expect.arrayContaining(['user', 'mnt', 'pid', 'ipc', 'uts']));
      expect(o.ownNamespaces).toContain('net');
      expect(o.capabilities).toMatch(/^0+$/);
      expect(o.noNewPrivs).toBe(true);
      expect(o.rootEntries).toEqual(['bin', 'dev', 'lib', 'lib64', 'proc', 'sbin', 'tmp', 'usr']);
      expect(o.limits.find((l) => l.name === 'Max core file size')?.value).toMatch(/^0 /);
      // The pid shown is QEMU's own, not its wrapper's.
      expect(o.pid).toBe(info.processes.find((p) => p.jail.observed === o)?.pid);
    }
    const uids = observed.map((o) => o?.uid);
    if (process.getuid?.() === 0) {
      expect(new Set(uids).size).toBe(uids.length);
      expect(uids).not.toContain(0);
    }
    await files.manager.stop(id);
  });
});

/**
 * A host without bubblewrap, for real: the probe runs with a PATH that has QEMU, setpriv and
 * prlimit but no bwrap, so its try of a jail fails as it would on such a host.
 */
describe('a host that cannot jail', () => {
  const bin = mkdtempSync(join(tmpdir(), 'mpq-nobwrap-'));
  let noJail: Capabilities;

  beforeAll(async () => {
    for (const tool of ['qemu-system-x86_64', 'setpriv', 'prlimit']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout;
      symlinkSync(found.trim(), join(bin, tool));
    }
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      noJail = { ...caps, jail: await probeJail(join(bin, 'qemu-system-x86_64')) };
    } finally {
      process.env.PATH = path;
    }
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  it('is measured by the probe, with the command that fixes it', () => {
    expect(noJail.jail?.usable).toBe(false);
    expect(noJail.jail?.reason).toMatch(
      /bwrap \(bubblewrap\) not found.*apt-get install bubblewrap/,
    );
  });

  it('refuses Start when isolation is required, on the VM and every process node', async () => {
    const { manager, dataDir } = await makeManager({
      capabilities: () => Promise.resolve(noJail),
    });
    const e: unknown = await manager
      .start(loadExample('upstream-lsi.json'), { acknowledged: TCG_ACK })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(StartRefused);
    const problem = (e as StartRefused).problems.find((p) => p.code === 'host.jail-unavailable');
    expect(problem?.message).toMatch(/apt-get install bubblewrap/);
    expect(problem?.nodeIds).toEqual(['$vm', 'rp0']);
    await manager.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('under "preferred" runs unconfined only once confirmed, and shows it as unconfined', async () => {
    const { manager, dataDir } = await makeManager({
      capabilities: () => Promise.resolve(noJail),
      isolation: 'preferred',
      stopGraceMs: 1_000,
    });
    const topology = loadExample('upstream-lsi.json');
    const e: unknown = await manager
      .start(topology, { acknowledged: TCG_ACK })
      .catch((err: unknown) => err);
    expect((e as StartRefused).problems.map((p) => p.code)).toEqual(['host.unconfined']);
    const { id } = await manager.start(topology, {
      acknowledged: [...TCG_ACK, 'host.unconfined'],
    });
    const info = await waitForRun(manager, id, (r) => r.status === 'running');
    for (const p of info.processes) {
      expect(p.jail.confined).toBe(false);
      expect(p.jail.unconfinedBecause).toMatch(/bubblewrap/);
      // Read back: it shares the server's namespaces.
      expect(p.jail.observed?.sharedNamespaces).toEqual(
        expect.arrayContaining(['user', 'mnt', 'pid', 'net']),
      );
    }
    await manager.stop(id);
    await manager.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
