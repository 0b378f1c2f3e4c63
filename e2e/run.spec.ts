import { expect, SAMPLE, test } from './fixtures.ts';
import { setRestartPolicy } from './live-canvas.ts';

/** The rich sample (SAMPLE): three remote processes (LSI, e1000e, virtio-blk) and the main QEMU, TCG. */
const PROCESSES = ['rp0', 'rp1', 'rp2', 'main'];
const BOOT_TIMEOUT = 90_000;

test.describe('running a topology', () => {
  test('start the sample, watch it boot, type in its console, stop it', async ({
    designer,
    runPanel,
  }) => {
    await designer.open(SAMPLE);

    const codes = await runPanel.startConfirmingWarnings();
    expect(codes).toContain('proxy.tcg-no-interrupts');

    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });
    // The point of one click on Start: the guest's console is in view, no scrolling or resizing.
    await expect(runPanel.console).toBeInViewport();
    await runPanel.showSteps();
    await expect(runPanel.steps.last()).toBeVisible();
    expect(await runPanel.steps.count()).toBeGreaterThan(1);
    await expect(
      runPanel.details.locator('[data-testid="run-step"][data-state="failed"]'),
    ).toHaveCount(0);
    await expect(runPanel.processes).toHaveCount(PROCESSES.length);
    for (const name of PROCESSES) {
      await expect(runPanel.process(name)).toHaveAttribute('data-status', 'running');
      expect(await runPanel.pid(name)).toBeGreaterThan(1);
    }

    // The guest lists the devices it enumerated, the proxied ones included.
    await runPanel.expectConsole(/mpqemu-guest: pci 0000:00:05\.0 1000:0012/, BOOT_TIMEOUT);
    await runPanel.expectConsole(/mpqemu-guest: pci 0000:00:06\.0 8086:10d3/);
    await runPanel.expectConsole(/mpqemu-guest: pci-done/);

    await runPanel.typeInConsole('echo hello-from-e2e');
    await runPanel.page.keyboard.press('Enter');
    // The echo of the typed line plus the command's own output: two occurrences.
    await expect
      .poll(async () => (await runPanel.consoleText()).match(/hello-from-e2e/g)?.length ?? 0)
      .toBeGreaterThanOrEqual(2);
    await runPanel.expectConsole(/^hello-from-e2e\s*$/m);

    await runPanel.stop();
    await expect(runPanel.status).toHaveText('stopped', { timeout: 60_000 });
    for (const name of PROCESSES) {
      await expect(runPanel.process(name)).toHaveAttribute('data-status', 'exited');
      await expect(runPanel.process(name).getByTestId('run-process-exit')).not.toHaveText('');
    }
  });

  test('a killed remote process degrades the run and the banner names it', async ({
    designer,
    runPanel,
  }) => {
    await designer.open(SAMPLE);
    // The default policy would replace it (e2e/live.spec.ts); this is about a process that stays dead.
    await setRestartPolicy(designer, 'rp0', 'never');
    await runPanel.startConfirmingWarnings();
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });

    const pid = await runPanel.pid('rp0');
    process.kill(pid, 'SIGKILL');

    await expect(runPanel.status).toHaveText('degraded');
    await expect(runPanel.banner).toBeVisible();
    await expect(runPanel.banner).toHaveAttribute('data-culprit', 'rp0');
    await expect(runPanel.banner).toContainText('rp0');
    await expect(runPanel.process('rp0')).toHaveAttribute('data-status', /exited|failed/);
    await expect(runPanel.process('rp0').getByTestId('run-process-exit')).toHaveText('SIGKILL');
    // The VM itself goes on: only the launcher can tell the user that a device is gone.
    await expect(runPanel.process('main')).toHaveAttribute('data-status', 'running');
  });
});
