import { expect, test } from './fixtures.ts';

// One screenshot per main designer screen, kept in test-results/screenshots for review.
test.describe('designer screenshots', () => {
  test('canvas, inspector, problems, command preview, open dialog', async ({
    designer: d,
    keepShot,
  }) => {
    await d.openSample();
    await d.dismissNotice();
    await d.page.getByTestId('tb-fit').click();
    await d.page.waitForTimeout(400);
    await keepShot('designer-canvas');

    await d.node('lsi0').click();
    await expect(d.inspector).toHaveAttribute('data-kind', 'device');
    await keepShot('designer-inspector-device');

    await d.node('disk0').click();
    await expect(d.inspector).toHaveAttribute('data-kind', 'drive');
    await keepShot('designer-inspector-drive');

    await d.node('nic0').click();
    await d.inspector.getByTestId('fwd-add').click();
    await keepShot('designer-inspector-nic');

    await d.pane.click({ position: { x: 10, y: 10 } });
    await expect(d.inspector).toHaveAttribute('data-kind', 'vm');
    await keepShot('designer-inspector-vm');

    await d.dockTab('preview');
    await expect(d.page.getByTestId('preview')).toBeVisible();
    await keepShot('designer-preview');
    await d.page.getByTestId('preview-argv-toggle').check();
    await keepShot('designer-preview-argv');

    await d.dropOnNode('pci-testdev', 'rp0');
    await d.dropFromPalette('scsi-hd', await d.emptySpot());
    await d.dockTab('problems');
    await expect(d.page.getByTestId('problems-list')).toBeVisible();
    await keepShot('designer-problems');
    await d.dockTab('preview');
    await keepShot('designer-preview-errors');

    await d.page.getByTestId('tb-open').click();
    await expect(d.page.getByTestId('open-dialog')).toBeVisible();
    await keepShot('designer-open-dialog');
  });
});
