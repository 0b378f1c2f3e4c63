import { expect, SAMPLE, test } from './fixtures.ts';
import { LiveCanvas, setRestartPolicy } from './live-canvas.ts';

const BOOT_TIMEOUT = 90_000;

/** The canvas as the running VM's view: each container and device shows its process's state. */
test.describe('the canvas while the VM runs', () => {
  test('nodes show their process state and pid; Start gives way to the running VM', async ({
    designer,
    runPanel,
    keepShot,
  }) => {
    const canvas = new LiveCanvas(designer.page, runPanel);
    await designer.open(SAMPLE);
    await expect(canvas.live('rp0')).toHaveCount(0);
    await expect(canvas.bar).toHaveCount(0);
    await runPanel.startConfirmingWarnings();
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });

    for (const id of ['rp0', 'lsi0', 'rp1', 'vm']) {
      await expect(canvas.live(id)).toHaveAttribute('data-status', 'running');
    }
    const pid = await runPanel.pid('rp0');
    await expect(canvas.live('rp0')).toHaveAttribute('data-pid', String(pid));
    await expect(canvas.live('lsi0')).toContainText(`pid ${pid}`);
    await expect(canvas.restarts('rp0')).toHaveAttribute('data-restarts', '0');
    await expect(canvas.live('vm')).toHaveAttribute('data-pid', String(await runPanel.pid('main')));
    await expect(canvas.bar).toHaveAttribute('data-same', 'true');

    // A second VM of the same document is never offered while the first runs.
    await expect(designer.page.getByTestId('run-start')).toHaveCount(0);
    await designer.dockTab('problems');
    const show = designer.page.getByTestId('run-show-running');
    await show.click();
    await expect(runPanel.root).toBeVisible();
    await expect(runPanel.details).toHaveAttribute(
      'data-run-id',
      (await show.getAttribute('data-run-id')) ?? '',
    );
    await keepShot('live-canvas-running');

    // An edit the running VM cannot take is marked, never applied.
    await designer.node('vm').click({ position: { x: 60, y: 12 } });
    await designer.inspector.getByTestId('vm-cpus').fill('2');
    await expect(canvas.pending('$vm')).toHaveAttribute('data-pending', 'restart');
    await expect(canvas.bar.getByTestId('live-changes')).toContainText('needs a VM restart');
    await canvas.bar.getByTestId('live-revert').click();
    await expect(canvas.bar).toHaveAttribute('data-same', 'true');
    await expect(designer.inspector.getByTestId('vm-cpus')).toHaveValue('1');
  });

  test('with restart policy "never" a killed remote degrades the run; the banner selects its node', async ({
    designer,
    runPanel,
    keepShot,
  }) => {
    const canvas = new LiveCanvas(designer.page, runPanel);
    await designer.open(SAMPLE);
    await setRestartPolicy(designer, 'rp0', 'never');
    await runPanel.startConfirmingWarnings();
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });

    process.kill(await canvas.pid('rp0'), 'SIGKILL');
    await expect(runPanel.status).toHaveText('degraded');
    await expect(canvas.live('rp0')).toHaveAttribute('data-status', /exited|failed/);
    await expect(canvas.live('lsi0')).toHaveAttribute('data-status', /exited|failed/);
    await expect(canvas.restarts('rp0')).toHaveAttribute('data-restarts', '0');
    await expect(designer.inspector).toHaveAttribute('data-selected', '');
    await runPanel.banner.getByTestId('show-node').click();
    await expect(designer.inspector).toHaveAttribute('data-selected', 'rp0');
    await expect(designer.node('rp0')).toHaveClass(/is-selected/);
    await keepShot('live-canvas-degraded');
  });
});
