import { expect, SAMPLE, test } from './fixtures.ts';

const BOOT_TIMEOUT = 90_000;

/** The canvas as the running VM's view: each container and device shows its process's state. */
test.describe('the canvas while the VM runs', () => {
  test('nodes show their process state and pid; Start gives way to the running VM', async ({
    designer,
    runPanel,
    keepShot,
  }) => {
    await designer.open(SAMPLE);
    await expect(designer.page.getByTestId('live-rp0')).toHaveCount(0);
    await runPanel.startConfirmingWarnings();
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });

    const live = (id: string) => designer.page.getByTestId(`live-${id}`);
    for (const id of ['rp0', 'lsi0', 'rp1', 'vm']) {
      await expect(live(id)).toHaveAttribute('data-status', 'running');
    }
    const pid = await runPanel.pid('rp0');
    await expect(live('rp0')).toHaveAttribute('data-pid', String(pid));
    await expect(live('lsi0')).toContainText(`pid ${pid}`);
    await expect(live('vm')).toHaveAttribute('data-pid', String(await runPanel.pid('main')));

    // A second VM of the same document is never offered while the first runs.
    await expect(designer.page.getByTestId('run-start')).toHaveCount(0);
    await designer.dockTab('problems');
    await designer.page.getByTestId('run-show-running').click();
    await expect(runPanel.root).toBeVisible();
    await expect(runPanel.details).toHaveAttribute(
      'data-run-id',
      (await designer.page.getByTestId('run-show-running').getAttribute('data-run-id')) ?? '',
    );
    await keepShot('live-canvas-running');
  });
});
