/**
 * `mpqemu doctor` as a user runs it: the real CLI, the real QEMU and the test guest. Nothing here
 * depends on this host's QEMU version or KVM state: a model that fails on 7.2 may work elsewhere.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DoctorReportSchema } from '@mpqemu/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryIdentity, loadMeasured } from '../../src/doctor/store.ts';
import { cli, tempDir } from '../cli/helpers.ts';
import { doctorProcesses } from './helpers.ts';
import { ensureGuest } from '../support/guest.ts';

beforeAll(() => ensureGuest());

describe('mpqemu doctor', () => {
  it('reports lsi53c895a enumerated as 1000:0012 in the documented JSON shape and stores it', async () => {
    const dataDir = await tempDir();
    const run = await cli(['doctor', '--json', '--models', 'lsi53c895a', '--machine', 'pc'], {
      MPQEMU_DATA_DIR: dataDir,
    });
    expect(run.stderr).toContain('[1/1] lsi53c895a on pc');
    expect(run.exitCode).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['qemu', 'kvmUsable', 'results']);
    const report = DoctorReportSchema.parse(json);
    expect(report.results).toHaveLength(1);
    const [result] = report.results;
    expect(Object.keys(result ?? {})).toEqual([
      'model',
      'machine',
      'enumerated',
      'pciId',
      'hotplug',
      'restart',
      'io',
      'evidence',
      'ms',
    ]);
    expect(result).toMatchObject({
      model: 'lsi53c895a',
      machine: 'pc',
      enumerated: true,
      pciId: '1000:0012',
    });
    expect(result?.evidence).toContain('guest: mpqemu-guest: pci 0000:00:05.0 1000:0012');
    expect(result?.evidence.at(-1)).toMatch(/^cleanup: all \d+ QEMU processes ended$/);
    if (!report.kvmUsable) expect(result?.io).toBe('skipped');

    const identity = await binaryIdentity(report.qemu.binary, report.qemu.version);
    const stored = await loadMeasured(dataDir, identity);
    expect(stored?.report).toEqual(report);
    const files = await import('node:fs/promises').then((fs) =>
      fs.readdir(join(dataDir, 'doctor')),
    );
    expect(files).toHaveLength(1);
    expect((await stat(join(dataDir, 'doctor', files[0] ?? ''))).mode & 0o777).toBe(0o600);
  });

  it('ends nvme within its timeout, records what happened and leaves no QEMU behind', async () => {
    const dataDir = await tempDir();
    // Doctor makes its run directories in the TMPDIR it is given, and its QEMUs' command lines
    // name them: the processes below this folder are this run's and nobody else's.
    const tmp = await tempDir();
    const timeoutS = 20;
    const running = cli(
      ['doctor', '--json', '--models', 'nvme', '--machine', 'pc', '--timeout', String(timeoutS)],
      { MPQEMU_DATA_DIR: dataDir, TMPDIR: tmp },
    );
    // Counted while it runs: proof that the leak check below looks where doctor's QEMUs really are.
    const ended = running.then(() => 'ended' as const);
    const tick = () => new Promise<'tick'>((r) => setTimeout(() => r('tick'), 200));
    let seenRunning = 0;
    while ((await Promise.race([ended, tick()])) === 'tick') {
      seenRunning = Math.max(seenRunning, (await doctorProcesses(tmp)).length);
    }
    const run = await running;
    expect(run.exitCode).toBe(0);
    const [result] = DoctorReportSchema.parse(JSON.parse(run.stdout)).results;
    // The bound covers boot and live checks; killing and reaping the processes comes after it.
    expect(result?.ms).toBeLessThan(timeoutS * 1000 + 15_000);
    if (!result?.enumerated) {
      expect(result?.evidence.join('\n')).toMatch(/^boot: (timeout|failed)/m);
      expect(result?.hotplug).toBe('skipped');
    }
    expect(result?.evidence.at(-1)).toMatch(/^cleanup: all \d+ QEMU processes ended$/);
    expect(seenRunning).toBeGreaterThan(0);
    expect(await doctorProcesses(tmp)).toEqual([]);
  });

  it('refuses an unknown model or machine with the allowed values', async () => {
    const model = await cli(['doctor', '--models', 'lsi53c895a,floppy']);
    expect(model.exitCode).toBe(2);
    expect(model.stderr).toContain(
      '--models: unknown model "floppy"; the catalogue has lsi53c895a',
    );
    const machine = await cli(['doctor', '--machine', 'isapc']);
    expect(machine.exitCode).toBe(2);
    expect(machine.stderr).toContain('--machine: "isapc" is not one of pc, q35');
    const timeout = await cli(['doctor', '--timeout', 'soon']);
    expect(timeout.exitCode).toBe(2);
    expect(timeout.stderr).toContain('--timeout: "soon" must be a number of seconds per check');
  });
});
