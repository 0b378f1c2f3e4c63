import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_CAPABILITIES,
  passFilesByFd,
  planLaunch,
  renderReadableText,
  validate,
} from '@mpqemu/shared';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, cli, loadExample, tempDir } from './helpers.ts';
import { EXAMPLES, REPO } from '../support/repo.ts';

const BROKEN_DOC = { version: 2, vm: { name: 'x', machine: 'sparc' }, processes: [], devices: [] };

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await tempDir();
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe.each(['upstream-lsi', 'rich'])('mpqemu on examples/%s.json', (name) => {
  const file = join(EXAMPLES, `${name}.json`);

  it('print --json gives exactly the planned processes (files passed by fd) and problems', async () => {
    const r = await cli(['print', file, '--json']);
    expect(r.exitCode).toBe(0);
    const planned = planLaunch(await loadExample(name), DEFAULT_CAPABILITIES);
    if (!planned.ok) throw new Error('example has errors');
    expect(JSON.parse(r.stdout)).toEqual({
      processes: passFilesByFd(planned.plan).processes.map(
        ({ name, role, argv, fds, files, qmpFd, serialFd }) => ({
          name,
          role,
          argv,
          fds,
          files,
          qmpFd,
          serialFd,
        }),
      ),
      spares: planned.plan.spares,
      problems: planned.plan.problems,
    });
  });

  it('print gives the readable rendering, warnings on stderr', async () => {
    const r = await cli(['print', file, '--run-dir', '/tmp/x']);
    expect(r.exitCode).toBe(0);
    const planned = planLaunch(await loadExample(name), DEFAULT_CAPABILITIES, { runDir: '/tmp/x' });
    if (!planned.ok) throw new Error('example has errors');
    expect(r.stdout).toBe(renderReadableText(passFilesByFd(planned.plan)).trimEnd());
    // Every descriptor says which file it is.
    expect(r.stdout).toMatch(/fd \d+ = \S+\/vmlinuz opened read-only/);
    expect(r.stderr).toContain('warning\tproxy.tcg-no-interrupts\tvm.accel:');
  });

  it('check lists the problems and exits 0 on warnings only', async () => {
    const r = await cli(['check', file]);
    expect(r.exitCode).toBe(0);
    const problems = validate(await loadExample(name));
    expect(r.stdout.split('\n')).toEqual(
      problems.map((p) => `${p.severity}\t${p.code}\t${p.path}: ${p.message}`),
    );
  });
});

describe('mpqemu errors and exit codes', () => {
  it('exits 1 with the problems when the topology has errors', async () => {
    const doc = JSON.parse(JSON.stringify(await loadExample('upstream-lsi'))) as {
      devices: { model: string; family: string }[];
    };
    // nvme is not proxy-capable (MSI-X): an error, not a warning.
    doc.devices.push({
      id: 'nv0',
      family: 'block',
      model: 'nvme',
      placement: { kind: 'remote', process: 'rp0' },
    } as never);
    const file = await tempFile('bad.json', JSON.stringify(doc));
    const text = await cli(['print', file]);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^error\t\S+\tdevices\[1\]/m);
    const json = await cli(['print', file, '--json']);
    expect(json.exitCode).toBe(1);
    const out = JSON.parse(json.stdout) as {
      processes: unknown[];
      problems: { severity: string }[];
    };
    expect(out.processes).toEqual([]);
    expect(out.problems.some((p) => p.severity === 'error')).toBe(true);
    const check = await cli(['check', file]);
    expect(check.exitCode).toBe(1);
    expect(check.stdout).toMatch(/^error\t/m);
  });

  it('exits 2 with the field errors for a broken file', async () => {
    const file = await tempFile('broken.json', JSON.stringify(BROKEN_DOC));
    const r = await cli(['print', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`${file}: vm.machine:`);
    expect(r.stderr).toContain(`${file}: drives:`);
    const notJson = await cli(['check', await tempFile('x.json', '{"version": 2,')]);
    expect(notJson.exitCode).toBe(2);
    expect(notJson.stderr).toContain('not valid JSON');
    expect((await cli(['print', '/nonexistent/t.json'])).exitCode).toBe(2);
  });

  it('exits 2 on bad usage and prints the usage', async () => {
    for (const args of [
      [],
      ['print'],
      ['frob', 'x'],
      ['print', 'a', '--nope'],
      ['check', 'a', '--json'],
    ]) {
      const r = await cli(args);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('Usage:');
    }
  });

  it('is linked as npx mpqemu at the repository root', async () => {
    const r = await execa('npx', ['--no-install', 'mpqemu', 'help'], { cwd: REPO, reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('mpqemu print FILE');
    expect(BIN).toMatch(/bin\/mpqemu\.mjs$/);
  });

  it('imports command lines to a topology JSON', async () => {
    const planned = planLaunch(await loadExample('rich'), DEFAULT_CAPABILITIES);
    if (!planned.ok) throw new Error('example has errors');
    const file = await tempFile('rich.sh', renderReadableText(planned.plan));
    const r = await cli(['import', file]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      vm: { name: 'rich' },
      processes: [{ id: 'rp0' }, { id: 'rp1' }, { id: 'rp2' }],
    });
    const bad = await cli(['import', await tempFile('bad.sh', 'qemu-system-x86_64 -m "256')]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/bad\.sh:1:23: error: unterminated double quote/);
  });
});
