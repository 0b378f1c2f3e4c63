import { expect, SAMPLE, test } from './fixtures.ts';
import { LiveCanvas } from './live-canvas.ts';

const BOOT_TIMEOUT = 90_000;
/** The rich sample's LSI controller (remote process rp0) sits at slot 5 and reads 1000:0012. */
const LSI_CONFIG = '/sys/bus/pci/devices/0000:00:05.0/config';

/** Records every text a node's live state shows from now on (a restart passes in a blink). */
async function recordTexts(canvas: LiveCanvas, id: string): Promise<() => Promise<string[]>> {
  const testId = `live-state-${id}`;
  await canvas.page.evaluate((tid) => {
    const w = globalThis as unknown as { __texts?: string[]; document: Document };
    const seen: string[] = (w.__texts = []);
    const note = () => {
      const t = w.document.querySelector(`[data-testid="${tid}"]`)?.textContent ?? '';
      if (t !== '' && seen.at(-1) !== t) seen.push(t);
    };
    note();
    new MutationObserver(note).observe(w.document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  }, testId);
  return () =>
    canvas.page.evaluate(() => (globalThis as unknown as { __texts?: string[] }).__texts ?? []);
}

test.describe('device process faults, seen on the canvas', () => {
  test('a SIGSTOPped remote goes hung -> restarting -> running and the guest reads it again', async ({
    designer,
    runPanel,
    keepShot,
  }) => {
    const canvas = new LiveCanvas(designer.page, runPanel);
    await designer.open(SAMPLE);
    await runPanel.startConfirmingWarnings();
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });
    await runPanel.expectConsole(/mpqemu-guest: pci-done/, BOOT_TIMEOUT);
    await expect(canvas.restarts('rp0')).toHaveText('↻ 0 · 3 left');
    const texts = await recordTexts(canvas, 'rp0');
    await canvas.recordStates('rp0');

    process.kill(await canvas.pid('rp0'), 'SIGSTOP');
    // The guest reads the device while its process is stopped, until it answers again.
    await runPanel.typeInConsole(
      `while :; do v=$(od -An -tx2 -N4 ${LSI_CONFIG}); [ "$(echo $v)" = "1000 0012" ] && break; done; echo "back$((6*7))"`,
    );
    await designer.page.keyboard.press('Enter');
    await expect(canvas.restarts('rp0')).toHaveAttribute('data-restarts', '1', { timeout: 30_000 });
    await expect(canvas.live('rp0')).toHaveAttribute('data-status', 'running');
    await runPanel.expectConsole(/^back42/m, 30_000);

    const states = await canvas.recordedStates('rp0');
    expect(states).toEqual(['running', 'hung', 'restarting', 'running']);
    const seen = await texts();
    expect(seen).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^hung: no answer for \d\.\d s$/),
        'restarting (1 of 3 in 60 s)',
      ]),
    );
    await expect(canvas.restarts('rp0')).toHaveText('↻ 1 · 2 left');
    await expect(runPanel.process('rp0').getByTestId('run-process-budget')).toHaveText(
      '2 of 3 restarts left in 60 s',
    );
    await keepShot('live-hung-restarted');
  });

  test('a remote killed in the first second of boot comes back', async ({ designer, runPanel }) => {
    const canvas = new LiveCanvas(designer.page, runPanel);
    await designer.open(SAMPLE);
    await runPanel.startConfirmingWarnings();
    // At `running` the guest is still in its firmware: no ACPI hot-plug handler yet.
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });
    process.kill(await canvas.pid('rp0'), 'SIGKILL');
    await expect(canvas.restarts('rp0')).toHaveAttribute('data-restarts', '1', { timeout: 60_000 });
    await expect(canvas.live('rp0')).toHaveAttribute('data-status', 'running');
    await expect(runPanel.status).toHaveText('running');
    await runPanel.expectConsole(/mpqemu-guest: pci-done/, BOOT_TIMEOUT);
    await canvas.expectGuestLists(/^0000:00:05\.0 1000:0012$/);
  });
});
