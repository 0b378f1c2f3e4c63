import { seriousViolations } from './axe.ts';
import { loadTopologyText } from '@mpqemu/shared';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.ts';

/** The remote-process and main-QEMU lines of the upstream multi-process doc, as printed there. */
const UPSTREAM_LINES = String.raw`/usr/bin/qemu-system-x86_64 -machine x-remote -device lsi53c895a,id=lsi1 \
  -drive id=drive_image1,file=/build/ol7-nvme-test-1.qcow2 \
  -device scsi-hd,id=drive1,drive=drive_image1,bus=lsi1.0,scsi-id=0 \
  -object x-remote-object,id=robj1,devid=lsi1,fd=4,
/usr/bin/qemu-system-x86_64 -cpu host -machine pc -accel kvm \
  -m 2048 -object memory-backend-memfd,id=sysmem-file,size=2G \
  -numa node,memdev=sysmem-file \
  -device x-pci-proxy-dev,id=lsi1,socket=3`;

test.describe('import and export', () => {
  test('the upstream doc command lines import as a remote process paired with its proxy', async ({
    app,
    designer: d,
  }) => {
    await d.openSample();
    await app.getByTestId('tb-import').click();
    await app.getByTestId('import-text').fill(UPSTREAM_LINES);
    await expect(app.getByTestId('import-summary')).toContainText('1 remote process');
    // What the importer does not model is listed, not dropped.
    await expect(app.getByTestId('import-extras')).toContainText('-numa');
    await app.getByTestId('import-confirm').click();
    const confirm = app.getByTestId('confirm-ok');
    if (await confirm.isVisible()) await confirm.click();

    await expect(d.node('lsi1')).toHaveAttribute('data-placement', 'rp0');
    await expect(d.node('drive1')).toHaveAttribute('data-attached', 'lsi1');
    await d.dockTab('preview');
    await expect(d.line('rp0')).toContainText(/x-remote-object,id=\S+,devid=lsi1,fd=3/);
    await expect(d.line('main')).toContainText(/x-pci-proxy-dev,id=lsi1,fd=3/);
    await expect(d.line('main')).toContainText('memory-backend-memfd');
  });

  test('the import report says what was read differently, and stays after the import', async ({
    app,
    designer: d,
    keepShot,
  }) => {
    await d.openSample();
    await app.getByTestId('tb-import').click();
    await app.getByTestId('import-text').fill(UPSTREAM_LINES);
    await app.getByTestId('import-confirm').click();
    const confirm = app.getByTestId('confirm-ok');
    if (await confirm.isVisible()) await confirm.click();
    await expect(d.node('lsi1')).toBeVisible();

    await d.dockTab('problems');
    const report = app.getByTestId('import-report');
    await expect(report).toBeVisible();
    const items = report.getByTestId('import-report-item');
    await expect(items.filter({ hasText: '-object: trailing comma ignored' })).toHaveCount(1);
    await expect(
      items.filter({ hasText: 'x-pci-proxy-dev id=lsi1: socket=3 read as the channel fd=' }),
    ).toHaveCount(1);
    await expect(items.filter({ hasText: 'x-remote-object devid=lsi1: fd=4 dropped' })).toHaveCount(
      1,
    );
    await expect(items.filter({ hasText: /format/ })).not.toHaveCount(0);
    await expect(items.filter({ hasText: 'no remote process' })).toHaveCount(0);
    await keepShot('import-report');
    expect(await seriousViolations(app)).toEqual([]);

    // Still there after an edit; gone once dismissed.
    await d.node('drive1').click();
    await app.getByTestId('drive-readonly').check();
    await d.dockTab('problems');
    await expect(report).toBeVisible();
    await app.getByTestId('import-report-dismiss').click();
    await expect(report).toBeHidden();
  });

  test('a parse error points at the word and imports nothing', async ({ app, designer: d }) => {
    await d.openSample();
    await app.getByTestId('tb-import').click();
    await app.getByTestId('import-text').fill("qemu-system-x86_64 -m 256 -device 'lsi53c895a,id=x");
    // Line 1, column 35: the opening quote that is never closed.
    await expect(app.getByTestId('import-issues')).toContainText('1:35 unterminated single quote');
    await expect(app.getByTestId('import-confirm')).toBeDisabled();
  });

  test('export downloads the topology JSON and a launcher script that Node accepts', async ({
    app,
    designer: d,
  }, testInfo) => {
    await d.openSample();
    await app.getByTestId('export-menu').click();

    const jsonDownload = app.waitForEvent('download');
    await app.getByTestId('export-json').click();
    const jsonPath = await (await jsonDownload).path();
    const loaded = loadTopologyText(readFileSync(jsonPath, 'utf8'));
    expect(loaded.ok && loaded.topology.devices.map((x) => x.id).sort()).toEqual([
      'lsi0',
      'net1',
      'nic0',
      'vblk0',
      'vga0',
    ]);

    // The menu closes after a choice, and on Escape.
    await expect(app.getByTestId('export-menu-items')).toBeHidden();
    await app.getByTestId('export-menu').click();
    await expect(app.getByTestId('export-menu-items')).toBeVisible();
    await app.keyboard.press('Escape');
    await expect(app.getByTestId('export-menu-items')).toBeHidden();
    await app.getByTestId('export-menu').click();
    const scriptDownload = app.waitForEvent('download');
    await app.getByTestId('export-script').click();
    // Saved under its own name: the .mjs extension tells Node it is an ES module.
    const download = await scriptDownload;
    expect(download.suggestedFilename()).toMatch(/\.mjs$/);
    const scriptPath = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(scriptPath);
    const script = readFileSync(scriptPath, 'utf8');
    expect(script).toContain('x-pci-proxy-dev');
    // Syntax check only: running it is covered by the CLI export tests with real QEMU.
    execFileSync(process.execPath, ['--check', scriptPath]);
  });
});
