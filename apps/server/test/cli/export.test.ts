import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { embeddedPlan, exportLauncherScript, planLaunch, type LaunchPlan } from '@mpqemu/shared';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadExample,
  privateExample,
  processesMentioning,
  tempDir,
  waitForText,
} from './helpers.ts';
import { REPO } from '../support/repo.ts';
import { ensureGuest } from '../support/guest.ts';

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

async function exported(name: string) {
  const { dir, topology } = await privateExample(name);
  const runDir = join(dir, 'run');
  const planned = planLaunch(topology, undefined, { runDir });
  if (!planned.ok) throw new Error('example has errors');
  const script = join(dir, 'launch.mjs');
  await writeFile(script, exportLauncherScript(planned.plan, { title: name }));
  return { script, runDir };
}

function start(script: string, env: Record<string, string> = {}) {
  const child = execa('node', [script], { reject: false, stdin: 'ignore', env });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  return { child, out };
}

describe('exported launcher script', () => {
  it('embeds hostile values as data: the script parses and carries them unchanged', async () => {
    const evil = 'x\'`${process.exit(7)}`"*/\n\u2028</script>';
    const planned = planLaunch(await loadExample('upstream-lsi'));
    if (!planned.ok) throw new Error('example has errors');
    const plan: LaunchPlan = {
      ...planned.plan,
      runDir: `/tmp/${evil}`,
      processes: planned.plan.processes.map((p) => ({
        ...p,
        argv: [...p.argv, '-name', evil],
        qmpSocket: `/tmp/${evil}/${p.name}.qmp`,
      })),
    };
    const dir = await tempDir();
    const script = join(dir, 'evil.mjs');
    await writeFile(script, exportLauncherScript(plan, { title: evil }));
    expect((await execa('node', ['--check', script], { reject: false })).exitCode).toBe(0);
    // Import the PLAN literal alone (everything before the runtime) and compare.
    const text = exportLauncherScript(plan, { title: evil });
    const literal = text.slice(text.indexOf('const PLAN = ') + 13, text.indexOf('};\n') + 1);
    const parsed = JSON.parse(literal) as { title: string; processes: { argv: string[] }[] };
    expect(parsed.title).toBe(evil);
    expect(parsed.processes.map((p) => p.argv)).toEqual(plan.processes.map((p) => p.argv));
  });
});

describe.each(['upstream-lsi', 'rich'])('exported launcher on %s (real QEMU, TCG)', (name) => {
  it('boots the guest with every proxied device, SIGINT cleans up', async () => {
    const { script, runDir } = await exported(name);
    const { child, out } = start(script);
    try {
      for (const pci of EXPECTED_PCI[name] ?? []) {
        await waitForText(() => out.stdout, `mpqemu-guest: pci ${pci}`, 90_000);
      }
      await waitForText(() => out.stderr, '[mpqemu] running', 10_000);
      expect((await stat(runDir)).mode & 0o777).toBe(0o700);
      // setpriv is on this host: every QEMU runs under it with --pdeathsig.
      expect(out.stderr).not.toContain('setpriv not found');
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, out.stderr).toBe(0);
    expect(out.stderr).toContain('[mpqemu] stopped');
    expect(await processesMentioning(runDir)).toEqual([]);
    await expect(stat(runDir)).rejects.toThrow(/ENOENT/);
  });
});

describe('exported launcher when a device process dies (real QEMU, TCG)', () => {
  it('restarts it under the default policy; the main QEMU stays, the guest reads the device again', async () => {
    const { script, runDir } = await exported('upstream-lsi');
    const child = execa('node', [script], { reject: false, stdin: 'pipe' });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
    try {
      await waitForText(() => out.stdout, 'mpqemu-guest: pci-done', 90_000);
      await waitForText(() => out.stderr, '[mpqemu] running', 30_000);
      const [main] = await processesMentioning(`${runDir}/main.qmp`);
      const [remote] = await processesMentioning(`${runDir}/rp0.qmp`);
      process.kill(Number(remote), 'SIGKILL');
      await waitForText(() => out.stderr, '[mpqemu] rp0 restarted (pid', 60_000);
      expect(out.stderr).toContain(
        '[mpqemu] rp0 was killed by SIGKILL; restarting in 200 ms (restart policy)',
      );
      expect(await processesMentioning(`${runDir}/main.qmp`)).toEqual([main]);
      // Wait in the guest for the re-plugged device; `R$((n+0))` keeps the echo from matching.
      const f = '/sys/bus/pci/devices/0000:00:05.0/config';
      child.stdin.write(
        `i=0; while [ $i -lt 100 ]; do v=$(od -An -tx2 -N4 ${f} 2>/dev/null); [ "$(echo $v)" = "1000 0012" ] && break; sleep 0.2; i=$((i+1)); done; echo "R$((7+0)):" $v\n`,
      );
      await waitForText(() => out.stdout, 'R7: 1000 0012', 60_000);
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, out.stderr).toBe(0);
    expect(await processesMentioning(runDir)).toEqual([]);
    await expect(stat(runDir)).rejects.toThrow(/ENOENT/);
  });

  it('under "never" keeps the VM running without the device, then exits 1 and leaves nothing', async () => {
    const { dir, topology } = await privateExample('upstream-lsi');
    const runDir = join(dir, 'run');
    const never = {
      ...topology,
      processes: topology.processes.map((p) => ({ ...p, restart: { mode: 'never' as const } })),
    };
    const planned = planLaunch(never, undefined, { runDir });
    if (!planned.ok) throw new Error('example has errors');
    const script = join(dir, 'launch.mjs');
    await writeFile(script, exportLauncherScript(planned.plan, { title: 'never' }));
    const { child, out } = start(script);
    try {
      await waitForText(() => out.stderr, '[mpqemu] running', 60_000);
      const [remote] = await processesMentioning(`${runDir}/rp0.qmp`);
      process.kill(Number(remote), 'SIGKILL');
      await waitForText(
        () => out.stderr,
        '[mpqemu] rp0 was killed by SIGKILL; not restarted: its restart policy is "never"; the VM keeps running without lsi0 (Ctrl-C stops it)',
        20_000,
      );
      expect(await processesMentioning(`${runDir}/main.qmp`)).toHaveLength(1);
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, out.stderr).toBe(1);
    expect(await processesMentioning(runDir)).toEqual([]);
    await expect(stat(runDir)).rejects.toThrow(/ENOENT/);
  });
});

describe('launcher-runtime.mjs run by node as a file (real QEMU, TCG)', () => {
  it('reads the plan from MPQEMU_LAUNCHER_PLAN, boots the guest, SIGINT cleans up', async () => {
    const { dir, topology } = await privateExample('upstream-lsi');
    const runDir = join(dir, 'run');
    const planned = planLaunch(topology, undefined, { runDir });
    if (!planned.ok) throw new Error('example has errors');
    const runtime = join(REPO, 'packages/shared/src/export/launcher-runtime.mjs');
    const { child, out } = start(runtime, {
      MPQEMU_LAUNCHER_PLAN: JSON.stringify(embeddedPlan(planned.plan, { title: 'file' })),
    });
    try {
      await waitForText(() => out.stdout, 'mpqemu-guest: pci 0000:00:05.0 1000:0012', 90_000);
      await waitForText(() => out.stderr, '[mpqemu] running', 10_000);
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, out.stderr).toBe(0);
    expect(out.stderr).toContain('[mpqemu] starting file (2 QEMU processes');
    expect(await processesMentioning(runDir)).toEqual([]);
    await expect(stat(runDir)).rejects.toThrow(/ENOENT/);
  });
});
