import { expect, type Locator, type Page } from '@playwright/test';
import type { DesignerScreen } from './designer-page.ts';
import type { RunPanel } from './fixtures.ts';

/** The canvas while its VM runs: live lines, pending tags, the change bar, restart buttons. */
export class LiveCanvas {
  readonly bar: Locator;
  readonly apply: Locator;
  private listings = 0;

  constructor(
    readonly page: Page,
    private readonly runPanel: RunPanel,
  ) {
    this.bar = page.getByTestId('live-bar');
    this.apply = page.getByTestId('live-apply');
  }

  /** The live line of a node: `data-status`, `data-pid`. */
  live(id: string): Locator {
    return this.page.getByTestId(`live-${id}`);
  }

  restarts(id: string): Locator {
    return this.page.getByTestId(`restarts-${id}`);
  }

  pending(id: string): Locator {
    return this.page.getByTestId(`pending-${id}`);
  }

  async pid(id: string): Promise<number> {
    return Number(await this.live(id).getAttribute('data-pid'));
  }

  /**
   * Records every state a node's live line shows from now on: a restart takes a tenth of a
   * second, too short for polling to see the states it passes through.
   */
  async recordStates(id: string): Promise<void> {
    await this.page.evaluate((testId) => {
      type Win = { __liveStates?: Record<string, string[]> };
      const w = globalThis as unknown as Win & { document: Document };
      const states = (w.__liveStates ??= {});
      const seen: string[] = (states[testId] = []);
      const note = () => {
        const s = w.document
          .querySelector(`[data-testid="${testId}"]`)
          ?.getAttribute('data-status');
        if (s && seen.at(-1) !== s) seen.push(s);
      };
      note();
      new MutationObserver(note).observe(w.document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-status'],
      });
    }, `live-${id}`);
  }

  async recordedStates(id: string): Promise<string[]> {
    return this.page.evaluate((testId) => {
      const w = globalThis as unknown as { __liveStates?: Record<string, string[]> };
      return w.__liveStates?.[testId] ?? [];
    }, `live-${id}`);
  }

  /**
   * Asks the guest for its PCI devices through the serial console and returns the lines as
   * `<slot> <vendor>:<device>`. Each call tags its lines, so old output is never mistaken for new.
   */
  async guestPci(): Promise<string[]> {
    const tag = `lspci${++this.listings}x`;
    await this.runPanel.typeInConsole(
      `for d in /sys/bus/pci/devices/*; do v=$(cat $d/vendor); p=$(cat $d/device); echo "${tag} \${d##*/} \${v#0x}:\${p#0x}"; done; echo ${tag}-done`,
    );
    await this.page.keyboard.press('Enter');
    await this.runPanel.expectConsole(new RegExp(`^${tag}-done`, 'm'));
    const text = await this.runPanel.consoleText();
    return [...text.matchAll(new RegExp(`^${tag} (\\S+ \\S+)\\s*$`, 'gm'))].map((m) => m[1] ?? '');
  }

  /** Waits until the guest lists a device, asking again while ACPI hot-plug completes. */
  async expectGuestLists(pattern: RegExp, timeout = 60_000): Promise<string[]> {
    let lines: string[] = [];
    await expect
      .poll(
        async () => {
          lines = await this.guestPci();
          return lines.some((l) => pattern.test(l));
        },
        { timeout, intervals: [2_000] },
      )
      .toBe(true);
    return lines;
  }
}

/**
 * Sets a remote process's restart policy in the inspector, as a user does before Start: a test
 * that needs a dead process to stay dead sets "never".
 */
export async function setRestartPolicy(
  designer: DesignerScreen,
  process: string,
  mode: 'never' | 'on-failure',
): Promise<void> {
  await designer.node(process).click({ position: { x: 60, y: 12 } });
  await expect(designer.inspector).toHaveAttribute('data-selected', process);
  await designer.inspector.getByTestId('restart-mode').selectOption(mode);
  await designer.pane.click({ position: { x: 5, y: 5 } });
}
