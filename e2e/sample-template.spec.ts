import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, trpc } from './fixtures.ts';

const RICH_JSON = join(import.meta.dirname, '..', 'examples', 'rich.json');

test.describe('samples are read-only templates', () => {
  test('Save on the sample the page opens asks for a name and overwrites nothing', async ({
    app,
    keepShot,
  }) => {
    const names = async () =>
      (await trpc<{ name: string }[]>(app, 'topologies.list')).map((t) => t.name);
    const before = await names();
    const example = readFileSync(RICH_JSON, 'utf8');

    // What a store with nothing saved opens on (`?sample=` asks for it in a store with files).
    await app.goto('/?sample=rich');
    await expect(app.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    await expect(app.getByTestId('node-lsi0')).toBeVisible();
    const label = 'Three remote processes';
    await expect(app.getByTestId('topology-name')).toHaveText(label);
    await expect(app).toHaveTitle(`${label} (template) · mpqemu studio`);
    await expect(app.getByTestId('topology-unsaved')).toHaveText('template');
    // Shown whole, not cut off with an ellipsis.
    const shown = app.getByTestId('topology-name');
    expect(await shown.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    // Start takes the document as it is: no save needed first.
    await expect(app.getByTestId('run-start')).toBeEnabled();

    // Save asks for a name; Cancel writes nothing.
    await app.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    await app.keyboard.press('Control+s');
    const prompt = app.getByTestId('prompt-dialog');
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText('Save topology as');
    await expect(app.getByTestId('prompt-input')).toHaveValue('rich');
    await keepShot('sample-template-save');
    await prompt.getByRole('button', { name: 'Cancel' }).click();
    await expect(prompt).toHaveCount(0);
    expect(await names()).toEqual(before);
    await expect(app.getByTestId('topology-name')).toHaveText(label);

    // A name given, the copy is saved under it; from then on Save writes that one.
    const name = `rich-mine-${Date.now()}`;
    await app.keyboard.press('Control+s');
    await app.getByTestId('prompt-input').fill(name);
    await app.getByTestId('prompt-ok').click();
    await expect(app.getByTestId('topology-name')).toHaveText(name);
    await expect(app).toHaveTitle(`${name} · mpqemu studio`);
    expect((await names()).sort()).toEqual([...before, name].sort());
    await app.keyboard.press('Control+s');
    await expect(app.getByTestId('notice')).toContainText(`Saved "${name}"`);
    await expect(prompt).toHaveCount(0);
    // The sample itself is never written.
    expect(readFileSync(RICH_JSON, 'utf8')).toBe(example);
    await trpc(app, 'topologies.delete', { name });
  });
});
