import { existsSync, statSync } from 'node:fs';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { childrenOf } from '../runs/helpers.ts';
import { ensureGuest } from '../support/guest.ts';
import { cli, privateExample, waitForText, tempDir } from './helpers.ts';

beforeAll(ensureGuest);

const EXPECTED_PCI: Record<string, string[]> = {
  'upstream-lsi': ['0000:00:05.0 1000:0012'],
  rich: [
    '0000:00:05.0 1000:0012',
    '0000:00:06.0 8086:10d3',
    '0000:00:07.0 1af4:1001',
    '0000:00:08.0 1af4:1000',
  ],
};

/** `mpqemu export` of a private copy of an example, its folder an image root, as a user runs it. */
async function exported(name: string, edit: (t: object) => object = (t) => t) {
  const { dir, topology } = await privateExample(name);
  const file = join(dir, 'edited.json');
  await writeFile(file, JSON.stringify(edit(topology)));
  const script = join(dir, 'launch.mjs');
  const env = { MPQEMU_DATA_DIR: await tempDir(), MPQEMU_IMAGE_ROOTS: dir };
  const r = await cli(['export', file, '-o', script], env);
  expect(r.exitCode, r.stderr).toBe(0);
  return { script, dir };
}

function start(script: string, stdin: 'ignore' | 'pipe' = 'ignore') {
  const child = execa('node', [script], { reject: false, stdin });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  return { child, out };
}

/** The launcher's QEMU children (each its jail's wrapper, which runs QEMU), by role. */
function qemus(launcher: number | undefined): { main: number[]; remote: number[] } {
  const kids = childrenOf(launcher ?? -1);
  return {
    main: kids.filter((k) => !k.argv.includes('x-remote')).map((k) => k.pid),
    remote: kids.filter((k) => k.argv.includes('x-remote')).map((k) => k.pid),
  };
}

describe('mpqemu export: the launcher is the runtime bundle with the plan', () => {
  it('embeds hostile values as data: the script parses and carries them unchanged', async () => {
    const evil = 'x\'`${process.exit(7)}`"*/\n\u2028</script>';
    const { script } = await exported('upstream-lsi', (t) => ({
      ...t,
      vm: { ...(t as { vm: object }).vm, name: 'evil' },
      processes: [{ id: 'rp0', label: evil }],
    }));
    expect((await execa('node', ['--check', script], { reject: false })).exitCode).toBe(0);
    const text = await readFile(script, 'utf8');
    const literal = text.slice(text.indexOf('const PLAN = ') + 13, text.indexOf('\n};\n') + 2);
    const parsed = JSON.parse(literal) as { title: string; plan: { processes: unknown[] } };
    expect(parsed.title).toBe('evil');
    expect(parsed.plan.processes).toHaveLength(2);
    // The runtime itself is bundled in: Node built-ins only, no package import.
    const imports = [...text.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((m) => m?.startsWith('node:'))).toBe(true);
  });

  it('refuses a drive outside the image roots, naming the drive, like up', async () => {
    const { dir, topology } = await privateExample('upstream-lsi');
    const file = join(dir, 'shadow.json');
    const drives = topology.drives.map((d) => ({
      ...d,
      image: { ...d.image, path: '/etc/shadow', format: 'raw' },
    }));
    await writeFile(file, JSON.stringify({ ...topology, drives }));
    const env = { MPQEMU_DATA_DIR: await tempDir(), MPQEMU_IMAGE_ROOTS: dir };
    const r = await cli(['export', file, '-o', join(dir, 'never.mjs')], env);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/drive disk0: image \/etc\/shadow is outside the image roots/);
  });

  it('the script refuses at run time a file that has moved out of the roots since export', async () => {
    const { script, dir } = await exported('upstream-lsi');
    // The drive's name now leads elsewhere: the script opens without following a final link.
    const { topology } = await privateExample('upstream-lsi');
    const disk = topology.drives[0]?.image.path ?? '';
    const moved = join(dir, disk.split('/').pop() ?? '');
    await execa('rm', ['-f', moved]);
    await symlink('/etc/passwd', moved);
    const { child, out } = start(script);
    const result = await child;
    expect(result.exitCode).toBe(1);
    expect(out.stderr).toContain('not started:');
    expect(out.stderr).toContain('symbolic link');
  });
});

describe.each(['upstream-lsi', 'rich'])('exported launcher on %s (real QEMU, TCG)', (name) => {
  it('boots the guest with every proxied device, SIGINT cleans up', async () => {
    const { script } = await exported(name);
    const { child, out } = start(script);
    let pids: number[] = [];
    let screenDir = '';
    try {
      for (const pci of EXPECTED_PCI[name] ?? []) {
        await waitForText(() => out.stdout, `mpqemu-guest: pci ${pci}`, 90_000);
      }
      await waitForText(() => out.stderr, '[mpqemu] running', 10_000);
      // The rich sample's VGA: served from a private folder of this launch, never a port.
      const screen = /screen: VNC on (\S+);/.exec(out.stderr)?.[1];
      if (name === 'rich') {
        expect(screen, out.stderr).toMatch(/\/mpqemu-screen-\w+\/screen\/vnc\.sock$/);
        screenDir = dirname(dirname(screen ?? ''));
        expect(statSync(screenDir).mode & 0o777).toBe(0o700);
        expect(statSync(screen ?? '').isSocket()).toBe(true);
      } else expect(screen).toBeUndefined();
      const { main, remote } = qemus(child.pid);
      // Every QEMU starts inside the jail planned at export (plan/jail.ts), bwrap last.
      for (const kid of childrenOf(child.pid ?? -1)) {
        expect(kid.argv).toEqual(
          expect.arrayContaining(['--die-with-parent', '--cap-drop', 'ALL', '--remount-ro']),
        );
      }
      pids = [...main, ...remote];
      expect(main).toHaveLength(1);
      expect(remote.length).toBe((EXPECTED_PCI[name] ?? []).length - (name === 'rich' ? 1 : 0));
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, out.stderr).toBe(0);
    expect(out.stderr).toContain('[mpqemu] stopped');
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    if (screenDir !== '') expect(existsSync(screenDir)).toBe(false);
  });
});

describe('exported launcher when a device process dies (real QEMU, TCG)', () => {
  it('restarts it at once under the default policy; the main QEMU stays, the guest reads the device again', async () => {
    const { script } = await exported('upstream-lsi');
    const { child, out } = start(script, 'pipe');
    try {
      await waitForText(() => out.stdout, 'mpqemu-guest: pci-done', 90_000);
      await waitForText(() => out.stderr, '[mpqemu] running', 30_000);
      const before = qemus(child.pid);
      process.kill(before.remote[0] ?? -1, 'SIGKILL');
      await waitForText(() => out.stderr, '[mpqemu] rp0 restarted (pid', 60_000);
      expect(out.stderr).toContain(
        '[mpqemu] rp0 was killed by SIGKILL; restarting now (restart policy)',
      );
      expect(qemus(child.pid).main).toEqual(before.main);
      // Wait in the guest for the re-plugged device; `R$((n+0))` keeps the echo from matching.
      const f = '/sys/bus/pci/devices/0000:00:05.0/config';
      child.stdin?.write(
        `i=0; while [ $i -lt 100 ]; do v=$(od -An -tx2 -N4 ${f} 2>/dev/null); [ "$(echo $v)" = "1000 0012" ] && break; sleep 0.2; i=$((i+1)); done; echo "R$((7+0)):" $v\n`,
      );
      await waitForText(() => out.stdout, 'R7: 1000 0012', 60_000);
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, out.stderr).toBe(0);
  });

  it('under "never" keeps the VM running without the device, then exits 1 and leaves nothing', async () => {
    const { script } = await exported('upstream-lsi', (t) => ({
      ...t,
      processes: (t as { processes: object[] }).processes.map((p) => ({
        ...p,
        restart: { mode: 'never' },
      })),
    }));
    const { child, out } = start(script);
    let pids: number[] = [];
    try {
      await waitForText(() => out.stderr, '[mpqemu] running', 60_000);
      const { main, remote } = qemus(child.pid);
      pids = [...main, ...remote];
      process.kill(remote[0] ?? -1, 'SIGKILL');
      await waitForText(
        () => out.stderr,
        '[mpqemu] rp0 was killed by SIGKILL; not restarted: its restart policy is "never"; the VM keeps running without lsi0 (Ctrl-C stops it)',
        20_000,
      );
      expect(qemus(child.pid).main).toEqual(main);
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, out.stderr).toBe(1);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
