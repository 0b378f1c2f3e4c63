import { expect, SAMPLE, test } from './fixtures.ts';

/** The rich sample (SAMPLE): three remote processes (LSI, e1000e, virtio-blk) and the main QEMU, TCG. */
const PROCESSES = ['rp0', 'rp1', 'rp2', 'main'];
const BOOT_TIMEOUT = 90_000;
/** The test server runs with the default power-down grace. */
const SERVER_GRACE_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test.describe('force stop', () => {
  // The sample's guest never powers off: its shutdown waits on the proxied virtio-blk, which gets
  // no interrupts under TCG. Without Force stop the user would wait out the whole grace.
  test('Stop turns into Force stop, which ends the run at once', async ({ designer, runPanel }) => {
    await designer.open(SAMPLE);
    await runPanel.startConfirmingWarnings();
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });
    await runPanel.expectConsole(/mpqemu-guest: pci-done/, BOOT_TIMEOUT);
    const pids = await Promise.all(PROCESSES.map((name) => runPanel.pid(name)));

    await runPanel.stop();
    await expect(runPanel.status).toHaveText('stopping');
    await expect(runPanel.forceStop).toBeVisible();
    await expect(runPanel.page.getByTestId('run-stop')).toHaveCount(0);
    await expect(runPanel.forceStop).toHaveAttribute(
      'title',
      /up to 10 s to power off\. Force stop quits QEMU now, like pulling the plug: unsaved guest data is lost/,
    );
    await expect(runPanel.details.getByTestId('run-power-down')).toHaveText(
      'Asked the guest to power off; waiting up to 10 s before quitting QEMU',
    );
    await expect(runPanel.details.getByTestId('run-steps-box')).toContainText(
      'Asked the guest to power off (up to 10 s)',
    );

    await runPanel.forceStop.click();
    await expect(runPanel.status).toHaveText('stopped', { timeout: SERVER_GRACE_MS });
    for (const name of PROCESSES) {
      await expect(runPanel.process(name)).toHaveAttribute('data-status', 'exited');
    }
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);

    await expect(runPanel.details).toContainText('force-stopped by the user');
    await runPanel.showSteps();
    await expect(runPanel.steps.filter({ hasText: 'Forced: QEMU quit' })).toHaveCount(1);
    await expect(runPanel.steps.filter({ hasText: /^.*Force stop: stopped waiting/ })).toHaveCount(
      1,
    );
    await expect(runPanel.forceStop).toHaveCount(0);
    await expect(runPanel.page.getByTestId('run-stop')).toBeDisabled();
  });
});
