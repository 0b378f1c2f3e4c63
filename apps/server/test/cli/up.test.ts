import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureGuest, privateExample, processesMentioning, waitForText } from './helpers.ts';

beforeAll(ensureGuest);

describe('mpqemu up (real QEMU, TCG)', () => {
  it('refuses unconfirmed warnings when stdin is not a terminal', async () => {
    const { file, dir } = await privateExample('upstream-lsi');
    const r = await execa('node', [BIN, 'up', file], {
      reject: false,
      stdin: 'ignore',
      env: { MPQEMU_DATA_DIR: join(dir, 'data') },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('proxy.tcg-no-interrupts');
    expect(r.stderr).toContain('pass --yes');
    expect(await processesMentioning(dir)).toEqual([]);
  });

  it('runs upstream-lsi: the guest sees the proxied LSI, SIGINT stops it cleanly', async () => {
    const { file, dir } = await privateExample('upstream-lsi');
    const dataDir = join(dir, 'data');
    const child = execa('node', [BIN, 'up', file, '--yes'], {
      reject: false,
      stdin: 'ignore',
      env: { MPQEMU_DATA_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      await waitForText(() => stdout, 'mpqemu-guest: pci 0000:00:05.0 1000:0012', 90_000);
      expect(stderr).toContain('[mpqemu] running');
      expect(await processesMentioning(dataDir)).toHaveLength(2);
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, stderr).toBe(0);
    expect(stderr).toContain('[mpqemu] stopped');
    expect(await processesMentioning(dataDir)).toEqual([]);
  });

  it('rich: a second Ctrl-C forces a stop the guest cannot complete, and nothing is left', async () => {
    // The rich guest cannot power off (its proxied virtio-blk hangs under TCG), so only a force
    // ends the run before the power-down grace.
    const { file, dir } = await privateExample('rich');
    const dataDir = join(dir, 'data');
    const child = execa('node', [BIN, 'up', file, '--yes'], {
      reject: false,
      stdin: 'ignore',
      env: { MPQEMU_DATA_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      await waitForText(() => stdout, 'mpqemu-guest: pci-done', 90_000);
      child.kill('SIGINT');
      await waitForText(() => stderr, 'Ctrl-C again to force', 10_000);
      child.kill('SIGINT');
      await waitForText(() => stderr, 'forcing: quitting QEMU now', 10_000);
    } finally {
      child.kill('SIGINT');
    }
    const result = await child;
    expect(result.exitCode, stderr).toBe(0);
    expect(stderr).toContain('force-stopped by the user');
    expect(await processesMentioning(dataDir)).toEqual([]);
  });
});
