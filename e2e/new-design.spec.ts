import { join } from 'node:path';
import { GUEST } from '../apps/server/test/support/repo.ts';
import { seriousViolations } from './axe.ts';
import { expect, test } from './fixtures.ts';

const BOOT_TIMEOUT = 90_000;

/**
 * Each test starts on a sample opened from the URL, picks the guest's files by their path, and
 * names what it creates for itself: nothing depends on what earlier specs (or an earlier try of
 * this one) saved, created or left open on the server.
 */
const option = (path: string) => `[data-testid="image-option"][data-path="${path}"]`;

test.describe('designing from scratch', () => {
  test('New, build the upstream example without typing a path, start it, see the LSI in the guest', async ({
    app,
    designer: d,
    runPanel,
    keepShot,
  }) => {
    const stamp = Date.now().toString(36);
    const imageName = `new-design-${stamp}.qcow2`;
    const savedName = `my-lsi-${stamp}`;
    await d.openTemplate('upstream-lsi');
    await app.getByTestId('tb-new').click();
    await app.getByTestId('new-empty').click();

    // The name and the window title say that nothing will be overwritten: Save asks for a name.
    await expect(app.getByTestId('topology-name')).toHaveText('Untitled');
    await expect(app.getByTestId('topology-unsaved')).toBeVisible();
    await expect(app).toHaveTitle(/^Untitled \(not saved\)/);
    await expect(app.getByTestId('empty-hint')).toBeVisible();
    await keepShot('new-empty');

    // Boot: the test guest's kernel and initrd, chosen from the image roots.
    await d.node('vm').click({ position: { x: 60, y: 14 } });
    await app.getByTestId('vm-boot-kernel').click();
    await app.getByTestId('vm-kernel-choose').click();
    await app.getByTestId('image-search').fill('vmlinuz');
    await app.locator(option(join(GUEST, 'vmlinuz'))).click();
    await expect(app.getByTestId('vm-kernel')).toHaveValue(/\/vmlinuz$/);
    await app.getByTestId('vm-initrd-choose').click();
    await app.getByTestId('image-search').fill('initrd.gz');
    await keepShot('image-picker');
    await app.locator(option(join(GUEST, 'initrd.gz'))).click();
    await expect(app.getByTestId('vm-initrd')).toHaveValue(/\/initrd\.gz$/);
    // The upstream example's command line: not a path.
    await app.getByTestId('vm-append').fill('console=ttyS0 quiet no_timer_check');

    // An LSI controller dropped outside the VM gets a remote process of its own.
    await d.dropFromPalette('lsi53c895a', await d.emptySpot());
    await expect(d.node('lsi0')).toBeVisible();
    await expect(app.getByTestId('empty-hint')).toBeHidden();
    await d.dropOnNode('scsi-hd', 'lsi0');
    await expect(d.node('disk0')).toBeVisible();

    // The drive has no image yet: a problem on its node before anything is started.
    await d.node('disk0').click();
    await expect(app.getByTestId('badge-disk0')).toBeVisible();
    await app.getByTestId('image-create').click();
    // Named after the drive; renamed here so that no earlier image of that name is in the way.
    await expect(app.getByTestId('image-create-name')).toHaveValue('disk0.qcow2');
    await app.getByTestId('image-create-name').fill(imageName);
    await app.getByTestId('image-create-size').fill('32');
    await keepShot('image-create');
    await app.getByTestId('image-create-confirm').click();
    // qemu-img create makes four fdatasync calls (strace): after the suites' heavy writes the
    // disk can take longer than the default 15 s; the server itself allows qemu-img 60 s.
    await expect(app.getByTestId('drive-path')).toHaveValue(
      new RegExp(`/images/new-design-${stamp}\\.qcow2$`),
      { timeout: 60_000 },
    );
    await expect(app.getByTestId('drive-format')).toHaveValue('qcow2');
    await expect(app.getByTestId('image-detected')).toContainText('qcow2, 32 MiB');
    await expect(app.getByTestId('badge-disk0')).toBeHidden();
    await d.dockTab('problems');
    await expect(app.locator('.problems__row--error')).toHaveCount(0);
    await keepShot('new-built');

    const codes = await runPanel.startConfirmingWarnings();
    expect(codes).toContain('proxy.tcg-no-interrupts');
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });
    expect(await seriousViolations(app)).toEqual([]);
    await runPanel.expectConsole(
      /mpqemu-guest: pci 0000:00:[0-9a-f]{2}\.0 1000:0012/,
      BOOT_TIMEOUT,
    );
    await runPanel.stop();
    await expect(runPanel.status).toHaveText('stopped', { timeout: 60_000 });

    // Save on a new document asks for a name; the title then says what Save writes.
    await app.keyboard.press('Control+s');
    const prompt = app.getByTestId('prompt-input');
    await prompt.fill(savedName);
    await app.getByTestId('prompt-ok').click();
    await expect(app.getByTestId('topology-name')).toHaveText(savedName);
    await expect(app).toHaveTitle(new RegExp(`^${savedName} ·`));
  });

  test('a missing image shows on its drive node before Start, in full, once', async ({
    app,
    designer: d,
    keepShot,
  }) => {
    await d.openTemplate('rich');
    await app.getByTestId('tb-new').click();
    await app.getByTestId('new-sample-upstream-lsi').click();
    // A sample is a template: its title is not a file name Save would write.
    await expect(app.getByTestId('topology-name')).toHaveText('Upstream LSI example');

    await d.node('disk0').click();
    const missing = '/nonexistent/mpqemu-e2e/disk0.img';
    await app.getByTestId('drive-path').fill(missing);
    const badge = app.getByTestId('badge-disk0');
    await expect(badge).toBeVisible();
    await d.dockTab('problems');
    const row = app.locator('[data-testid="problem-row"][data-code="host.missing"]');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(`drive disk0: image ${missing} does not exist`);
    await expect(row).toHaveAttribute('data-node', 'disk0');
    await expect(app.getByTestId('run-start')).toBeDisabled();
    await expect(app.getByTestId('run-start-blocked')).toHaveText(
      'Cannot start: 1 error, see Problems',
    );
    await keepShot('host-problem');

    // Fixed by choosing an image: the problem goes away with the next check.
    await app.getByTestId('image-choose').click();
    await app.getByTestId('image-search').fill('disk0.img');
    await app.locator(option(join(GUEST, 'disk0.img'))).click();
    await expect(row).toHaveCount(0);
    await expect(badge).toBeHidden();
  });

  test('context menus, Ctrl+A, the shortcut sheet and the light theme, with no serious axe violation', async ({
    app,
    designer: d,
    keepShot,
  }) => {
    await d.openTemplate('rich');
    await d.dismissNotice();
    expect(await seriousViolations(app)).toEqual([]);

    // Ctrl+A selects every node, not the page's text.
    await d.pane.click({ position: { x: 20, y: 20 } });
    await app.keyboard.press('Control+a');
    const nodes = await app.locator('.react-flow__node').count();
    await expect(app.locator('.react-flow__node.selected')).toHaveCount(nodes);
    expect(await app.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');

    // Right-click on a device: move it to a new process, in one undoable step.
    await d.pane.click({ position: { x: 20, y: 20 } });
    await d.node('net1').click({ button: 'right' });
    await expect(app.getByTestId('context-menu')).toBeVisible();
    await keepShot('context-menu');
    await app.getByTestId('ctx-move').click();
    await app.getByTestId('ctx-move-new').click();
    await expect(app.getByTestId('context-menu')).toBeHidden();
    await expect(app.getByTestId('node-rp3')).toBeVisible();
    await app.keyboard.press('Control+z');
    await expect(app.getByTestId('node-rp3')).toBeHidden();

    // A box selection leaves its rectangle over the nodes; a palette drop there lands on the node
    // under it. (The blocked drop seen by hand was not reproduced by Playwright's synthetic drag.)
    await d.pane.click({ position: { x: 20, y: 20 } });
    const lsi = await d.node('rp0').boundingBox();
    if (!lsi) throw new Error('no rp0');
    await app.keyboard.down('Shift');
    await app.mouse.move(lsi.x - 10, lsi.y - 10);
    await app.mouse.down();
    await app.mouse.move(lsi.x + lsi.width + 10, lsi.y + lsi.height + 10, { steps: 8 });
    await app.mouse.up();
    await app.keyboard.up('Shift');
    await expect(app.locator('.react-flow__nodesselection-rect')).toBeVisible();
    await d.dropOnNode('scsi-hd', 'lsi0');
    await expect(app.locator('[data-testid^="node-disk"][data-attached="lsi0"]')).toHaveCount(2);
    await app.keyboard.press('Control+z');

    // Palette search.
    await app.getByTestId('palette-search').fill('nic');
    await expect(app.getByTestId('palette-e1000e')).toBeVisible();
    await expect(app.getByTestId('palette-lsi53c895a')).toBeHidden();
    await app.getByTestId('palette-search').fill('');
    await d.pane.click({ position: { x: 20, y: 20 } });

    // The keyboard shortcut sheet.
    await app.keyboard.press('?');
    await expect(app.getByTestId('shortcut-sheet')).toBeVisible();
    expect(await seriousViolations(app)).toEqual([]);
    await keepShot('shortcut-sheet');
    await app.keyboard.press('Escape');
    await expect(app.getByTestId('shortcut-sheet')).toBeHidden();

    // The theme follows prefers-color-scheme until the user picks one with the toggle.
    await app.emulateMedia({ colorScheme: 'light' });
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
    await app.emulateMedia({ colorScheme: 'dark' });
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
    await app.getByTestId('theme-toggle').click();
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
    await keepShot('light-theme');
    expect(await seriousViolations(app)).toEqual([]);
    await app.getByTestId('theme-toggle').click();
    await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  });
});
