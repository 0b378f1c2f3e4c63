import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, privateExample, processesMentioning, waitForText, tempDir } from './helpers.ts';
import { ensureGuest } from '../support/guest.ts';

beforeAll(ensureGuest);

/** `mpqemu up FILE --yes` in the background, with its output collected as it comes. */
function startUp(file: string, dataDir: string, root: string) {
  const child = execa('node', [BIN, 'up', file, '--yes'], {
    reject: false,
    stdin: 'ignore',
    // The private disks' folder is an image root; the data directory lies elsewhere (a root
    // that contains it is ignored).
    env: { MPQEMU_DATA_DIR: dataDir, MPQEMU_IMAGE_ROOTS: root },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

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

  it('refuses a disk outside the image roots, naming the drive, before starting anything', async () => {
    const { file, dir } = await privateExample('upstream-lsi');
    const r = await execa('node', [BIN, 'up', file, '--yes'], {
      reject: false,
      stdin: 'ignore',
      env: { MPQEMU_DATA_DIR: join(dir, 'data') },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^error\thost\.outside-roots\tdrives\[0\]\.image\.path: drive disk0: image \S+disk0\.raw is outside the image roots/m,
    );
    expect(await processesMentioning(dir)).toEqual([]);
  });

  it('runs upstream-lsi: the guest sees the proxied LSI, SIGINT stops it cleanly', async () => {
    const { file, dir } = await privateExample('upstream-lsi');
    const dataDir = await tempDir();
    const up = startUp(file, dataDir, dir);
    try {
      await waitForText(up.stdout, 'mpqemu-guest: pci 0000:00:05.0 1000:0012', 90_000);
      expect(up.stderr()).toContain('[mpqemu] running');
      // No display device, no screen.
      expect(up.stderr()).not.toContain('[mpqemu] screen:');
      expect(await processesMentioning(dataDir)).toHaveLength(2);
    } finally {
      up.child.kill('SIGINT');
    }
    const result = await up.child;
    expect(result.exitCode, up.stderr()).toBe(0);
    expect(up.stderr()).toContain('[mpqemu] stopped');
    expect(await processesMentioning(dataDir)).toEqual([]);
  });

  it('rich: a second Ctrl-C forces a stop the guest cannot complete, and nothing is left', async () => {
    // The rich guest cannot power off (its proxied virtio-blk hangs under TCG), so only a force
    // ends the run before the power-down grace.
    const { file, dir } = await privateExample('rich');
    const dataDir = await tempDir();
    const up = startUp(file, dataDir, dir);
    try {
      await waitForText(up.stdout, 'mpqemu-guest: pci-done', 90_000);
      // Its VGA: the screen's socket in the run directory and the viewer line for it, no port.
      const screen =
        /\[mpqemu\] screen: VNC on (\S+); view it with: remote-viewer '?vnc\+unix:\/\/([^'\s]+)/.exec(
          up.stderr(),
        );
      expect(screen?.[1], up.stderr()).toMatch(/\/runs\/[0-9a-f]+\/screen\/vnc\.sock$/);
      expect(screen?.[2]).toBe(screen?.[1]);
      expect(screen?.[1]?.startsWith(dataDir)).toBe(true);
      up.child.kill('SIGINT');
      await waitForText(up.stderr, 'Ctrl-C again to force', 10_000);
      up.child.kill('SIGINT');
      await waitForText(up.stderr, 'forcing: quitting QEMU now', 10_000);
    } finally {
      up.child.kill('SIGINT');
    }
    const result = await up.child;
    expect(result.exitCode, up.stderr()).toBe(0);
    expect(up.stderr()).toContain('force-stopped by the user');
    expect(await processesMentioning(dataDir)).toEqual([]);
  });
});
