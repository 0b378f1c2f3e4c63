import { expect, SAMPLE, test } from './fixtures.ts';
import { expectLaidOutInside, expectRegionsTiled, expectShownInside } from './layout-checks.ts';
import { setRestartPolicy } from './live-canvas.ts';

const BOOT_TIMEOUT = 90_000;

/**
 * One screenshot per main screen of the running side, kept in test-results/screenshots; each first
 * checks what the picture must show.
 */
test.describe('screenshots of the run panel', () => {
  test('running, with the guest in the console; then degraded', async ({
    designer,
    runPanel,
    keepShot,
  }) => {
    await designer.open(SAMPLE);
    // rp1 is killed below for the degraded screen: it must stay dead, not be restarted.
    await setRestartPolicy(designer, 'rp1', 'never');
    await runPanel.startConfirmingWarnings();
    await runPanel.growDock(300);
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });
    await runPanel.expectConsole(/mpqemu-guest: pci-done/, BOOT_TIMEOUT);
    // A few stats samples, so the sparklines have a line to draw.
    await expect(runPanel.process('main').locator('svg[data-samples]').first()).not.toHaveAttribute(
      'data-samples',
      /^[0-2]$/,
    );
    await runPanel.process('main').getByRole('button', { name: 'main' }).click();
    await expect(runPanel.details.getByTestId('process-log')).toBeVisible();
    await expectRegionsTiled(runPanel.page, ['topbar', 'palette', 'canvas', 'inspector', 'dock']);
    // The four processes, the console with the guest's lines and the log, side by side, unclipped.
    await expectLaidOutInside(runPanel.details, runPanel.details.getByTestId('run-process'), 4);
    await expectLaidOutInside(
      runPanel.details,
      runPanel.details.locator(
        '[data-testid="run-processes"], [data-testid="serial-console"], [data-testid="process-log"]',
      ),
      3,
    );
    await expectShownInside(runPanel.console.getByTestId('serial-console-term'), runPanel.details);
    await keepShot('run-panel-running');

    process.kill(await runPanel.pid('rp1'), 'SIGKILL');
    await expectShownInside(runPanel.banner, runPanel.details);
    await keepShot('run-panel-degraded');
  });
});
