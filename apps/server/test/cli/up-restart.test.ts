import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { findProcesses } from '../../src/runs/proc.ts';
import { BIN, privateExample, processesMentioning, waitForText, tempDir } from './helpers.ts';
import { ensureGuest } from '../support/guest.ts';

beforeAll(ensureGuest);

describe('mpqemu up and the restart policy (real QEMU, TCG)', () => {
  it('restarts a killed device process under the default policy and says so on stderr', async () => {
    const { file, dir } = await privateExample('upstream-lsi');
    const dataDir = await tempDir();
    const child = execa('node', [BIN, 'up', file, '--yes'], {
      reject: false,
      stdin: 'ignore',
      env: { MPQEMU_DATA_DIR: dataDir, MPQEMU_IMAGE_ROOTS: dir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      await waitForText(() => stdout, 'mpqemu-guest: pci-done', 90_000);
      const remote = findProcesses(
        (argv, cwd) => (cwd?.includes(dataDir) ?? false) && argv.includes('x-remote'),
      );
      expect(remote).toHaveLength(1);
      process.kill(remote[0]?.pid ?? -1, 'SIGKILL');
      await waitForText(() => stderr, '[mpqemu] rp0 restarted (pid', 60_000);
      expect(stderr).toContain('[mpqemu] rp0 was killed by SIGKILL while the VM was running');
      expect(stderr).toContain('[mpqemu] rp0: restarting now (restart policy)');
      expect(stderr).toContain('[mpqemu] rp0: plugging lsi0 in at slot 0x5 (device_add)');
      await waitForText(
        () => stderr.split('[mpqemu] rp0 restarted')[1] ?? '',
        '[mpqemu] running',
        10_000,
      );
      expect(await processesMentioning(dataDir)).toHaveLength(2);
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, stderr).toBe(0);
    expect(await processesMentioning(dataDir)).toEqual([]);
  });
});
