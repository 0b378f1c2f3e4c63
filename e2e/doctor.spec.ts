import { expect, test } from './fixtures.ts';

// Only lsi53c895a: the catalogue already vouches for it, so the stored result changes where its
// fact comes from (and the tooltip) but not what the other specs on this server see.
test('the Doctor measures a model on the server QEMU and the palette then uses the measurement', async ({
  designer: d,
  keepShot,
}) => {
  test.setTimeout(240_000);
  await d.openSample();
  const chip = d.page.getByTestId('palette-lsi53c895a').locator('.chip');
  await expect(chip).toHaveAttribute('data-source', 'catalogue');

  await d.page.getByTestId('tb-doctor').click();
  const dialog = d.page.getByTestId('doctor-dialog');
  await expect(dialog).toBeVisible();
  // Every model but the LSI, whatever the catalogue lists (display models included).
  const models = dialog.locator('[data-testid^="doctor-model-"]');
  for (const id of await models.evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-testid') ?? ''),
  )) {
    if (id !== 'doctor-model-lsi53c895a') await dialog.getByTestId(id).uncheck();
  }
  await dialog.getByTestId('doctor-machine-q35').uncheck();
  await dialog.getByTestId('doctor-run').click();
  await expect(dialog.getByTestId('doctor-progress')).toContainText(
    'Checking lsi53c895a on pc (1/1)',
  );
  await expect(dialog.getByTestId('doctor-cancel')).toBeVisible();
  await keepShot('doctor-progress');

  const row = dialog.getByTestId('doctor-row-lsi53c895a-pc');
  await expect(row).toBeVisible({ timeout: 200_000 });
  await expect(row).toContainText('1000:0012');
  await row.getByText('Evidence').click();
  await expect(row).toContainText('guest: mpqemu-guest: pci 0000:00:05.0 1000:0012');
  await expect(row).toContainText(/cleanup: all \d+ QEMU processes ended/);
  await expect(dialog.getByTestId('doctor-run')).toBeVisible();
  await keepShot('doctor-dialog');

  await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(chip).toHaveAttribute('data-source', 'measured');
  await expect(chip).toHaveAttribute(
    'title',
    /^Proxy verified: Measured on this host's QEMU \S+ on \d{4}-\d{2}-\d{2}: pc: enumerated 1000:0012/,
  );

  // Opened again, the dialog shows what is stored for this QEMU.
  await d.page.getByTestId('tb-doctor').click();
  await expect(d.page.getByTestId('doctor-stored')).toContainText("Measured on this host's QEMU");
  await expect(d.page.getByTestId('doctor-row-lsi53c895a-pc')).toBeVisible();
});
