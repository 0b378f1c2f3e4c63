import { expect, test } from './fixtures.ts';
import { expectLaidOutInside, expectRegionsTiled, expectShownInside } from './layout-checks.ts';

const REGIONS = ['topbar', 'palette', 'canvas', 'inspector', 'dock'];
/** The leaf nodes (device and drive cards; the rich sample has 4 devices and 2 drives). */
const LEAF_NODES =
  '.react-flow__node-device > [data-testid], .react-flow__node-drive > [data-testid]';

// One screenshot per main designer screen, kept in test-results/screenshots for review; each
// first checks what the picture must show.
test.describe('designer screenshots', () => {
  test('canvas, inspector, problems, command preview, open dialog', async ({
    designer: d,
    keepShot,
  }) => {
    await d.openSample();
    await d.dismissNotice();
    await d.page.getByTestId('tb-fit').click();
    await expectRegionsTiled(d.page, REGIONS);
    // After Fit, every card of the sample is on screen and none hides another.
    await expectLaidOutInside(d.canvas, d.canvas.locator(LEAF_NODES), 6);
    await expectLaidOutInside(d.canvas, d.canvas.locator('.react-flow__node-process > *'), 3);
    await keepShot('designer-canvas');

    await d.node('lsi0').click();
    await expect(d.inspector).toHaveAttribute('data-kind', 'device');
    await expect(d.inspector.getByTestId('device-id')).toHaveValue('lsi0');
    await expectShownInside(d.inspector.getByTestId('device-id'), d.inspector);
    await keepShot('designer-inspector-device');

    await d.node('disk0').click();
    await expect(d.inspector).toHaveAttribute('data-kind', 'drive');
    await expect(d.inspector.getByTestId('drive-id')).toHaveValue('disk0');
    await expectShownInside(d.inspector.getByTestId('drive-format'), d.inspector);
    await keepShot('designer-inspector-drive');

    await d.node('nic0').click();
    await d.inspector.getByTestId('fwd-add').click();
    await expectShownInside(d.inspector.getByTestId('fwd-0'), d.inspector);
    await keepShot('designer-inspector-nic');

    await d.pane.click({ position: { x: 10, y: 10 } });
    await expect(d.inspector).toHaveAttribute('data-kind', 'vm');
    await expectRegionsTiled(d.page, REGIONS);
    await keepShot('designer-inspector-vm');

    await d.dockTab('preview');
    // The dock shows the top of the preview: the controls and the first command's lines.
    await expectShownInside(d.page.getByTestId('preview-argv-toggle'), d.page.getByTestId('dock'));
    await expect(d.page.getByTestId('preview-line-rp0')).toBeInViewport();
    await keepShot('designer-preview');
    await d.page.getByTestId('preview-argv-toggle').check();
    await expect(d.page.getByTestId('preview-line-rp0')).toBeInViewport();
    await keepShot('designer-preview-argv');

    await d.dropOnNode('pci-testdev', 'rp0');
    await d.dropFromPalette('scsi-hd', await d.emptySpot());
    await d.dockTab('problems');
    await expectShownInside(d.page.getByTestId('problem-row').first(), d.page.getByTestId('dock'));
    await keepShot('designer-problems');
    await d.dockTab('preview');
    await expectShownInside(d.page.getByTestId('preview-errors'), d.page.getByTestId('dock'));
    await keepShot('designer-preview-errors');

    await d.page.getByTestId('tb-open').click();
    const dialog = d.page.getByTestId('open-dialog');
    await expectRegionsTiled(d.page, ['open-dialog']);
    await expectLaidOutInside(dialog, dialog.locator('[data-testid^="sample-"]'), 2);
    await keepShot('designer-open-dialog');
  });
});
