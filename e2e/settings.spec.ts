import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, trpc } from './fixtures.ts';

test.describe('settings', () => {
  test('shows the image roots in force and saves the user’s own, refusing a bad one', async ({
    app,
    keepShot,
  }) => {
    const dataDir = process.env.MPQEMU_E2E_DATA_DIR ?? '';
    const mine = join(dataDir, '..', `roots-${Date.now()}`);
    mkdirSync(mine, { recursive: true });
    try {
      await app.getByTestId('tb-settings').click();
      const dialog = app.getByTestId('settings-dialog');
      const inForce = dialog.getByTestId('settings-roots-in-force');
      await expect(inForce).toContainText(join(dataDir, 'images'));
      await expect(inForce).toContainText('image library');
      await expect(inForce).toContainText('samples');

      await dialog.getByTestId('settings-roots').fill('relative/dir');
      await dialog.getByTestId('settings-save').click();
      await expect(dialog.getByTestId('settings-error')).toContainText(
        'imageRoots.0: image root 1 (relative/dir) must be absolute',
      );
      await keepShot('settings-error');

      // A wide root is allowed, with what it would make attachable said before Save.
      await dialog.getByTestId('settings-roots').fill('/home/someone');
      await expect(dialog.getByTestId('settings-warning')).toContainText(
        '/home/someone is a whole home folder: every file in it (SSH keys in .ssh',
      );
      await dialog.getByTestId('settings-roots').fill('/etc');
      await dialog.getByTestId('settings-save').click();
      await expect(dialog.getByTestId('settings-error')).toContainText(
        'inside /etc, a system folder',
      );

      await dialog.getByTestId('settings-roots').fill(mine);
      await dialog.getByTestId('settings-save').click();
      await expect(dialog).toBeHidden();
      await app.getByTestId('tb-settings').click();
      await expect(app.getByTestId('settings-roots-in-force')).toContainText(mine);
      await expect(app.getByTestId('settings-roots')).toHaveValue(mine);
      await keepShot('settings-saved');
      await app.getByTestId('settings-roots').fill('');
      await app.getByTestId('settings-save').click();
      await expect(app.getByTestId('settings-dialog')).toBeHidden();
      expect(await trpc<{ imageRoots: string[] }>(app, 'settings.get')).toMatchObject({
        imageRoots: [],
      });
    } finally {
      // Whatever failed above, the specs after this one must not find the root saved (or gone).
      await trpc(app, 'settings.setImageRoots', { imageRoots: [] });
      rmSync(mine, { recursive: true, force: true });
    }
  });
});
