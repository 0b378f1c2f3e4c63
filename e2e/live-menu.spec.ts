import { seriousViolations } from './axe.ts';
import { expect, SAMPLE, test } from './fixtures.ts';
import { LiveCanvas } from './live-canvas.ts';

const BOOT_TIMEOUT = 90_000;

/** The canvas context menus on the running VM: its live actions next to the edit ones. */
test.describe('context menus on the running VM', () => {
  test('restarts a remote process, and deletes then hot-removes a device, from the menus', async ({
    designer,
    runPanel,
    keepShot,
  }) => {
    const canvas = new LiveCanvas(designer.page, runPanel);
    const menu = designer.page.getByTestId('context-menu');
    await designer.open(SAMPLE);
    // Not running yet: no live action is offered.
    await designer.node('rp1').click({ button: 'right', position: { x: 60, y: 12 } });
    await expect(menu.getByTestId('ctx-delete')).toBeVisible();
    await expect(menu.getByTestId('ctx-restart')).toHaveCount(0);
    await designer.page.keyboard.press('Escape');

    await runPanel.startConfirmingWarnings();
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });
    // The guest must be up to release a device (its ACPI hot-plug handling answers device_del).
    await runPanel.expectConsole(/mpqemu-guest: pci-done/, BOOT_TIMEOUT);
    const mainPid = await runPanel.pid('main');
    const oldPid = await canvas.pid('rp1');
    // The running VM's canvas and run panel, in both themes: no serious accessibility violation.
    const page = designer.page;
    expect(await seriousViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    expect(await seriousViolations(page)).toEqual([]);
    await keepShot('live-running-light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

    // On the remote process's container: restart it, with its live state beside the item.
    await designer.node('rp1').click({ button: 'right', position: { x: 60, y: 12 } });
    const restart = menu.getByTestId('ctx-restart');
    await expect(restart).toHaveText(/Restart process rp1/);
    await expect(restart).toHaveAttribute('data-process', 'rp1');
    await expect(menu.getByTestId('ctx-restart-note')).toHaveText(`running · pid ${oldPid} · ↻ 0`);
    await expect(restart).not.toHaveAttribute('data-disabled');
    await keepShot('live-menu-process');
    await restart.click();
    await expect(menu).toHaveCount(0);
    await expect(canvas.restarts('rp1')).toHaveAttribute('data-restarts', '1', { timeout: 30_000 });
    await expect(canvas.live('rp1')).toHaveAttribute('data-status', 'running');
    const newPid = await canvas.pid('rp1');
    expect(newPid).not.toBe(oldPid);
    expect(await runPanel.pid('main')).toBe(mainPid);

    // A remote process the running VM does not have yet cannot be restarted: the item says why.
    await designer.pane.click({ button: 'right', position: { x: 8, y: 8 } });
    await menu.getByTestId('ctx-add-process').click();
    await expect(designer.inspector).toHaveAttribute('data-selected', 'rp3');
    await designer.pane.click({ button: 'right', position: { x: 8, y: 8 } });
    await menu.getByTestId('ctx-fit').click();
    await designer.waitForStill('rp3');
    await designer.node('rp3').click({ button: 'right', position: { x: 60, y: 12 } });
    await expect(menu.getByTestId('ctx-restart')).toHaveAttribute('data-disabled', '');
    await expect(menu.getByTestId('ctx-restart-note')).toHaveText('not in the running VM yet');
    await keepShot('live-menu-disabled');
    await designer.page.keyboard.press('Escape');
    await designer.page.keyboard.press('Control+z');
    await expect(designer.node('rp3')).toHaveCount(0);
    await expect(canvas.bar).toHaveAttribute('data-same', 'true');

    // On a proxied device: the same restart, of the process that emulates it.
    await designer.node('nic0').click({ button: 'right' });
    await expect(menu.getByTestId('ctx-restart')).toHaveAttribute('data-process', 'rp1');
    await expect(menu.getByTestId('ctx-restart-note')).toHaveText(`running · pid ${newPid} · ↻ 1`);
    // Delete says what it means live: nothing until the hot-remove is applied.
    await expect(menu.getByTestId('ctx-delete-note')).toHaveText('then Hot-remove');
    await expect(menu.getByTestId('ctx-delete')).toHaveAttribute(
      'title',
      /nic0 is unplugged from the guest; remote process rp1 exits/,
    );
    await keepShot('live-menu-device');
    await menu.getByTestId('ctx-delete').click();
    await expect(canvas.bar.getByTestId('live-bar-title')).toHaveText(
      'Hot-remove nic0 from the running VM?',
    );
    await expect(runPanel.process('rp1')).toHaveCount(1);

    // A device of the main QEMU cannot go live: its Delete says so.
    await designer.node('net1').click({ button: 'right' });
    await expect(menu.getByTestId('ctx-delete-note')).toHaveText('needs a VM restart');
    await expect(menu.getByTestId('ctx-restart')).toHaveCount(0);
    await designer.page.keyboard.press('Escape');

    // On the pane: the run's actions, with the pending hot-remove.
    await designer.pane.click({ button: 'right', position: { x: 8, y: 8 } });
    const apply = menu.getByTestId('ctx-apply-live');
    // Deleting nic0 leaves rp1 without a device: a warning the run was not started with.
    await expect(apply).toHaveText(/^Hot-remove nic0 from the running VM/);
    await expect(menu.getByTestId('ctx-apply-live-note')).toHaveText(
      'with 1 new warning (see the bar above the canvas)',
    );
    await expect(menu.getByTestId('ctx-stop')).toBeVisible();
    await keepShot('live-menu-pane');
    await apply.click();
    await expect(canvas.bar).toHaveAttribute('data-same', 'true', { timeout: 60_000 });
    await expect(runPanel.process('rp1')).toHaveCount(0);
    await expect(runPanel.status).toHaveText('running');
    expect((await canvas.guestPci()).filter((l) => l.endsWith(' 8086:10d3'))).toHaveLength(0);

    // Nothing pending: the pane offers no apply.
    await designer.pane.click({ button: 'right', position: { x: 8, y: 8 } });
    await expect(menu.getByTestId('ctx-show-run')).toBeVisible();
    await expect(menu.getByTestId('ctx-apply-live')).toHaveCount(0);
    await designer.page.keyboard.press('Escape');
  });
});
