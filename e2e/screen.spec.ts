import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, SAMPLE, test } from './fixtures.ts';
import { readServerPng } from './png.ts';

const BOOT_TIMEOUT = 90_000;

/** Keys a US keyboard needs Shift for, by the key that carries them. */
const SHIFTED: Record<string, string> = { '>': 'Period', '<': 'Comma', '|': 'Backslash' };

/**
 * Types `text` as a user does, Shift held for capitals and symbols: noVNC sends key positions
 * (QEMU's extended key events), so a `S` typed without Shift would reach the guest as `s`.
 */
async function typeAsUser(page: Page, text: string): Promise<void> {
  for (const c of text) {
    const shifted = /^[A-Z]$/.test(c) ? `Key${c}` : SHIFTED[c];
    if (shifted === undefined) await page.keyboard.type(c);
    else await page.keyboard.press(`Shift+${shifted}`);
    // TCG guest: one key at a time, as a typist would.
    await page.waitForTimeout(20);
  }
}

/** Per pixel: is it lit (text) rather than the black background? */
function litMask(rgb: ArrayLike<number>, channels: number, pixels: number): Uint8Array {
  const mask = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const sum =
      (rgb[i * channels] ?? 0) + (rgb[i * channels + 1] ?? 0) + (rgb[i * channels + 2] ?? 0);
    mask[i] = sum > 3 * 64 ? 1 : 0;
  }
  return mask;
}

test.describe('the VM screen', () => {
  test('Start the sample, open Screen: the guest on the canvas, typing reaches the guest, a PNG downloads', async ({
    designer,
    runPanel,
    keepShot,
  }) => {
    const page = runPanel.page;
    await designer.open(SAMPLE);
    await runPanel.startConfirmingWarnings();
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });
    await runPanel.expectConsole(/mpqemu-guest: pci-done/, BOOT_TIMEOUT);
    // The screen's own text, read by the guest itself: tty1 shows the same lines.
    await runPanel.typeInConsole('cat /dev/vcs1; echo');
    await page.keyboard.press('Enter');
    await runPanel.expectConsole(/mpqemu-guest: pci-done.*guest#/s);

    await page.getByTestId('console-tab-screen').click();
    const screen = page.getByTestId('screen-view');
    await expect(screen).toHaveAttribute('data-state', 'connected', { timeout: 15_000 });
    const canvas = screen.locator('canvas');
    await expect(canvas).toBeVisible();

    // The canvas shows the guest: the same lit pixels as the server's screendump of the screen.
    const pixels = async () =>
      canvas.evaluate((c: HTMLCanvasElement) => {
        const ctx = c.getContext('2d');
        if (!ctx) return null;
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        return { width: c.width, height: c.height, data: Array.from(data) };
      });
    await expect
      .poll(async () => (await pixels())?.data.filter((v, i) => i % 4 === 0 && v > 64).length ?? 0)
      .toBeGreaterThan(1000);

    const download = page.waitForEvent('download');
    await screen.getByTestId('screen-screenshot').click();
    const file = await (await download).path();
    const png = readServerPng(readFileSync(file));
    expect([png.width, png.height]).toEqual([720, 400]);
    const shown = await pixels();
    if (!shown) throw new Error('no 2d canvas');
    expect([shown.width, shown.height]).toEqual([720, 400]);
    const dumpMask = litMask(png.rgb, 3, 720 * 400);
    const canvasMask = litMask(shown.data, 4, 720 * 400);
    let lit = 0;
    let differ = 0;
    for (let i = 0; i < dumpMask.length; i++) {
      lit += dumpMask[i] ?? 0;
      if (dumpMask[i] !== canvasMask[i]) differ++;
    }
    expect(lit).toBeGreaterThan(1000);
    // The blinking cursor may differ between the two moments; text may not.
    expect(differ / lit).toBeLessThan(0.02);

    // 1:1 shows the screen at its own size; Fit scales it into the panel.
    await screen.getByRole('button', { name: '1:1' }).click();
    await expect.poll(async () => (await canvas.boundingBox())?.width).toBeCloseTo(720, 0);
    await screen.getByRole('button', { name: 'Fit' }).click();
    await expect
      .poll(async () => (await canvas.boundingBox())?.width ?? 0)
      .toBeLessThanOrEqual((await screen.boundingBox())?.width ?? 0);

    // Keys through noVNC reach tty1's shell; its command writes to the serial port.
    await canvas.click();
    await typeAsUser(page, 'echo vnc-ok > /dev/ttyS0');
    await page.keyboard.press('Enter');
    await keepShot('screen-tab');
    await page.getByTestId('console-tab-serial').click();
    // Written to the serial port by tty1's shell, so it lands after the serial shell's prompt.
    await runPanel.expectConsole(/^(guest# )?vnc-ok\s*$/m, 30_000);
  });
});
