import { expect, SAMPLE, test, type RunPanel } from './fixtures.ts';

const BOOT_TIMEOUT = 90_000;

/** The QMP section of the run details, for the process whose log is shown. */
class QmpSection {
  constructor(readonly runPanel: RunPanel) {}

  get root() {
    return this.runPanel.details.getByTestId('qmp-panel');
  }

  get result() {
    return this.root.getByTestId('qmp-result');
  }

  /** Selects a process in the table (a second click would fold it again). */
  async select(process: string): Promise<void> {
    const shown =
      (await this.root.count()) > 0 ? await this.root.getAttribute('data-process') : null;
    if (shown === process) return;
    await this.runPanel.process(process).getByRole('button', { name: process }).click();
    await expect(this.root).toHaveAttribute('data-process', process);
    // The log and the QMP section follow the same selection: one of each.
    await expect(this.runPanel.details.getByTestId('process-log')).toHaveAttribute(
      'data-process',
      process,
    );
  }

  op(op: string) {
    return this.root.locator(`[data-testid="qmp-op"][data-op="${op}"]`);
  }

  pciRow(qdevId: string) {
    return this.result.locator(`[data-testid="qmp-pci-row"][data-qdev="${qdevId}"]`);
  }

  async run(op: string): Promise<void> {
    await this.op(op).click();
    await expect(this.result).toHaveAttribute('data-op', op);
  }
}

test.describe('QMP operations from the run panel', () => {
  test('query-pci on a remote and on the main QEMU, then a confirmed reset', async ({
    designer,
    runPanel,
    keepShot,
  }) => {
    const qmp = new QmpSection(runPanel);
    await designer.open(SAMPLE);
    await runPanel.startConfirmingWarnings();
    await runPanel.growDock(300);
    await expect(runPanel.status).toHaveText('running', { timeout: BOOT_TIMEOUT });
    await runPanel.expectConsole(/mpqemu-guest: pci-done/, BOOT_TIMEOUT);

    // A remote process has no guest: only the queries, no reset or power button.
    await qmp.select('rp0');
    await expect(qmp.op('system_reset')).toHaveCount(0);
    await expect(qmp.op('query-pci')).toBeEnabled();
    await qmp.run('query-pci');
    await expect(qmp.pciRow('lsi0').getByTestId('qmp-pci-ids')).toHaveText('1000:0012');

    // The main QEMU shows 0000:0000 for the proxy, and says where the real IDs are.
    await qmp.select('main');
    await qmp.run('query-pci');
    await expect(qmp.pciRow('lsi0').getByTestId('qmp-pci-ids')).toHaveText('0000:0000');
    // The guest's address (the remote's x-remote machine has the device on a bus of its own).
    await expect(qmp.pciRow('lsi0')).toContainText('00:05.0');
    await expect(qmp.pciRow('lsi0')).toContainText('proxy → rp0');
    // QEMU 7.2 gives the next proxies the previous one's IDs: each proxy is marked, not only 0000.
    await expect(qmp.pciRow('nic0')).toContainText('proxy → rp1');
    await expect(qmp.pciRow('net1')).not.toContainText('proxy');
    const note = qmp.root.getByTestId('qmp-proxy-note');
    await expect(note).toContainText('0000:0000');
    await expect(note).toContainText('lsi0 → rp0, nic0 → rp1, vblk0 → rp2');
    await qmp.root.scrollIntoViewIfNeeded();
    await keepShot('qmp-panel-query-pci');

    // The raw JSON is QEMU's own answer.
    await qmp.result.getByTestId('qmp-raw-toggle').click();
    await expect(qmp.result.getByTestId('qmp-raw')).toContainText('"qdev_id": "lsi0"');
    await qmp.result.getByTestId('qmp-raw-toggle').click();
    await expect(qmp.result.getByTestId('qmp-pci-table')).toBeVisible();

    await qmp.run('query-status');
    await expect(qmp.result.getByTestId('qmp-status-line')).toHaveText('running (vCPUs running)');

    // A reset acts on the guest: nothing is sent before the confirmation.
    const booted = async () =>
      (await runPanel.consoleText()).match(/mpqemu-guest: booted/g)?.length ?? 0;
    expect(await booted()).toBe(1);
    await qmp.op('system_reset').click();
    const confirm = qmp.root.getByTestId('qmp-confirm');
    await expect(confirm).toBeVisible();
    await confirm.getByTestId('qmp-confirm-cancel').click();
    await expect(confirm).toBeHidden();
    await expect(qmp.result).toHaveAttribute('data-op', 'query-status');

    await qmp.op('system_reset').click();
    await confirm.getByTestId('qmp-confirm-yes').click();
    await expect(qmp.result).toHaveAttribute('data-op', 'system_reset');
    await expect(qmp.result.getByTestId('qmp-done')).toBeVisible();
    await expect.poll(booted, { timeout: BOOT_TIMEOUT }).toBe(2);

    await runPanel.stop();
    await expect(runPanel.status).toHaveText('stopped', { timeout: 60_000 });
    await expect(qmp.op('query-pci')).toBeDisabled();
    await expect(qmp.root.getByTestId('qmp-blocked')).toContainText('stopped');
  });
});
