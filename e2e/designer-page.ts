import { expect, type Locator, type Page } from '@playwright/test';

/** The designer screen for the designer specs: palette, canvas, inspector, dock, top bar. */
export class DesignerScreen {
  readonly canvas: Locator;
  readonly pane: Locator;
  readonly inspector: Locator;

  constructor(readonly page: Page) {
    this.canvas = page.getByTestId('canvas');
    this.pane = page.locator('.react-flow__pane');
    this.inspector = page.getByTestId('inspector');
  }

  /** Opens a topology of the store by name, as the URL `?topology=NAME` does. */
  async open(name: string): Promise<void> {
    await this.page.goto(`/?topology=${encodeURIComponent(name)}`);
    await expect(this.page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    await expect(this.page.locator('.react-flow__node').first()).toBeVisible();
  }

  /**
   * Opens sample `id` as a template from the URL (`?sample=ID`), as the CLI's links do: the page
   * starts on it whatever the store holds, with nothing unsaved.
   */
  async openTemplate(id: string): Promise<void> {
    await this.page.goto(`/?sample=${encodeURIComponent(id)}`);
    await expect(this.page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    await expect(this.page.locator('.react-flow__node').first()).toBeVisible();
  }

  /** Waits for the first document, then opens the sample "rich" so every test starts alike. */
  async openSample(id = 'rich'): Promise<void> {
    await expect(this.page.getByTestId('app')).toHaveAttribute('data-ready', 'true');
    await this.page.getByTestId('tb-open').click();
    await this.page.getByTestId(`sample-${id}`).click();
    const confirm = this.page.getByTestId('confirm-ok');
    if (await confirm.isVisible()) await confirm.click();
    await expect(this.node('lsi0')).toBeVisible();
  }

  /** Closes the transient notice (it would cover the canvas in screenshots). */
  async dismissNotice(): Promise<void> {
    const notice = this.page.getByTestId('notice');
    if (await notice.isVisible()) await notice.getByRole('button', { name: 'Dismiss' }).click();
  }

  node(id: string): Locator {
    return this.page.getByTestId(`node-${id}`);
  }

  /** A canvas point (page coordinates) below the VM container, where nothing is drawn. */
  async emptySpot(): Promise<{ x: number; y: number }> {
    await this.waitForStill('vm');
    const vm = await this.node('vm').boundingBox();
    const canvas = await this.canvas.boundingBox();
    if (!vm || !canvas) throw new Error('no canvas');
    const y = Math.min(vm.y + vm.height + 110, canvas.y + canvas.height - 60);
    return { x: vm.x + vm.width / 2 - 60, y };
  }

  /** HTML5 drag of a palette entry to a page point. */
  async dropFromPalette(model: string, at: { x: number; y: number }): Promise<void> {
    const pane = await this.pane.boundingBox();
    if (!pane) throw new Error('no pane');
    await this.page.getByTestId(`palette-${model}`).dragTo(this.pane, {
      targetPosition: { x: at.x - pane.x, y: at.y - pane.y },
    });
  }

  /** HTML5 drag of a palette entry onto a node. */
  async dropOnNode(model: string, nodeId: string): Promise<void> {
    const box = await this.node(nodeId).boundingBox();
    if (!box) throw new Error(`no node ${nodeId}`);
    await this.dropFromPalette(model, { x: box.x + box.width / 2, y: box.y + box.height / 2 });
  }

  /**
   * Waits until a node stops moving on screen: selecting from the problems list pans the view with
   * an animation, and a drag started during it would grab a moving target.
   */
  async waitForStill(nodeId: string): Promise<void> {
    let last = '';
    await expect
      .poll(
        async () => {
          const now = JSON.stringify(await this.node(nodeId).boundingBox());
          const still = now === last;
          last = now;
          return still;
        },
        { intervals: [100] },
      )
      .toBe(true);
  }

  /** Drags a canvas node by its header to a page point, with intermediate moves as a hand does. */
  async dragNode(nodeId: string, to: { x: number; y: number }): Promise<void> {
    await this.waitForStill(nodeId);
    const box = await this.node(nodeId).boundingBox();
    if (!box) throw new Error(`no node ${nodeId}`);
    await this.page.mouse.move(box.x + 40, box.y + 12);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + 60, box.y + 30, { steps: 4 });
    await this.page.mouse.move(to.x, to.y, { steps: 12 });
    await this.page.mouse.up();
  }

  /** Draws an edge from one handle to another. */
  async connect(
    fromNode: string,
    fromHandle: string,
    toNode: string,
    toHandle: string,
  ): Promise<void> {
    const handle = (node: string, id: string) =>
      this.page.locator(
        `.react-flow__node[data-id="${node}"] .react-flow__handle[data-handleid="${id}"]`,
      );
    const a = await handle(fromNode, fromHandle).boundingBox();
    const b = await handle(toNode, toHandle).boundingBox();
    if (!a || !b) throw new Error('handle not found');
    await this.page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
    await this.page.mouse.up();
  }

  async dockTab(tab: 'problems' | 'preview' | 'run'): Promise<void> {
    await this.page.getByTestId(`dock-tab-${tab}`).click();
  }

  /** The clipboard's text, read in the page (the test context has no DOM types). */
  readClipboard(): Promise<string> {
    type Nav = { navigator: { clipboard: { readText(): Promise<string> } } };
    return this.page.evaluate(() => (globalThis as unknown as Nav).navigator.clipboard.readText());
  }

  /** The readable command line of one process in the preview. */
  line(process: string): Locator {
    return this.page.getByTestId(`preview-line-${process}`);
  }
}
