import { describe, expect, it } from 'vitest';
import { describeQmpResult, hex } from './qmp-format.ts';
import samples from './qmp-samples.json' with { type: 'json' };

describe('describeQmpResult', () => {
  it('lists every PCI device of a real query-pci answer in lspci notation', () => {
    const view = describeQmpResult('query-pci', samples['query-pci']);
    expect(view.kind).toBe('pci');
    if (view.kind !== 'pci') return;
    expect(view.rows.map((r) => r.address)).toEqual([
      '00:00.0',
      '00:01.0',
      '00:01.1',
      '00:01.3',
      '00:02.0',
      '00:03.0',
    ]);
    expect(view.rows.find((r) => r.qdevId === 'lsi0')).toEqual({
      address: '00:02.0',
      ids: '1000:0012',
      className: '0100 SCSI controller',
      qdevId: 'lsi0',
    });
    expect(view.rows[0]?.ids).toBe('8086:1237');
  });

  it("writes the main QEMU's zero IDs of a proxy as 0000:0000", () => {
    // The main QEMU's view of a proxy: the LSI row of the sample with the IDs QEMU 7.2 reports.
    const proxied = structuredClone(samples['query-pci']);
    const lsi = proxied[0]?.devices.find((d) => d.qdev_id === 'lsi0');
    if (!lsi) throw new Error('the sample has lsi0');
    lsi.id = { vendor: 0, device: 0, subsystem: 0, 'subsystem-vendor': 0 };
    const view = describeQmpResult('query-pci', proxied);
    if (view.kind !== 'pci') throw new Error(view.kind);
    expect(view.rows.find((r) => r.qdevId === 'lsi0')?.ids).toBe('0000:0000');
  });

  it('includes the devices behind a PCI bridge', () => {
    const bridged = [
      {
        bus: 0,
        devices: [
          {
            bus: 0,
            slot: 3,
            function: 0,
            class_info: { class: 0x0604 },
            id: { vendor: 0x1b36, device: 1 },
            qdev_id: 'br0',
            pci_bridge: {
              devices: [
                {
                  bus: 1,
                  slot: 3,
                  function: 0,
                  class_info: { class: 0x0200 },
                  id: { vendor: 0x8086, device: 0x100e },
                  qdev_id: 'nic9',
                },
              ],
            },
          },
        ],
      },
    ];
    const view = describeQmpResult('query-pci', bridged);
    if (view.kind !== 'pci') throw new Error(view.kind);
    expect(view.rows.map((r) => `${r.address} ${r.ids} ${r.className} ${r.qdevId}`)).toEqual([
      '00:03.0 1b36:0001 0604 br0',
      '01:03.0 8086:100e 0200 nic9',
    ]);
  });

  it('shows node name, driver, file and read-only of every block node', () => {
    expect(
      describeQmpResult('query-named-block-nodes', samples['query-named-block-nodes']),
    ).toEqual({
      kind: 'block',
      withDevice: false,
      rows: [
        {
          device: null,
          nodeName: 'disk1',
          driver: 'qcow2',
          file: '/var/lib/mpqemu/images/disk1.qcow2',
          readOnly: true,
        },
        {
          device: null,
          nodeName: 'f0',
          driver: 'file',
          file: '/var/lib/mpqemu/images/disk1.qcow2',
          readOnly: false,
        },
      ],
    });
  });

  it('names a block device by its qdev id, and an empty drive as such', () => {
    const withEmpty = [
      ...samples['query-block'],
      { device: 'ide1-cd0', locked: false, removable: true, type: 'unknown' },
    ];
    const view = describeQmpResult('query-block', withEmpty);
    if (view.kind !== 'block') throw new Error(view.kind);
    expect(view.withDevice).toBe(true);
    expect(view.rows.map((r) => [r.device, r.nodeName, r.driver, r.readOnly])).toEqual([
      ['sd0', 'disk1', 'qcow2', true],
      ['ide1-cd0', '', '', null],
    ]);
    expect(view.rows[1]?.file).toBe('(no medium)');
  });

  it('says the status in one line', () => {
    expect(describeQmpResult('query-status', samples['query-status'])).toEqual({
      kind: 'status',
      line: 'prelaunch (vCPUs stopped)',
    });
    expect(describeQmpResult('query-status', { status: 'running', running: true })).toEqual({
      kind: 'status',
      line: 'running (vCPUs running)',
    });
  });

  it("takes an action's empty answer as done", () => {
    expect(describeQmpResult('system_reset', {})).toEqual({ kind: 'done' });
    expect(describeQmpResult('system_powerdown', {})).toEqual({ kind: 'done' });
  });

  it('falls back to the raw view for an answer of another shape', () => {
    expect(describeQmpResult('query-pci', { error: 'x' })).toEqual({ kind: 'raw' });
    expect(describeQmpResult('query-block', [{ inserted: 5 }])).toEqual({ kind: 'raw' });
    expect(describeQmpResult('query-status', null)).toEqual({ kind: 'raw' });
    expect(describeQmpResult('system_reset', { unexpected: true })).toEqual({ kind: 'raw' });
  });

  it('pads hex to the width asked', () => {
    expect(hex(0x12, 4)).toBe('0012');
    expect(hex(0x1000, 4)).toBe('1000');
    expect(hex(0, 2)).toBe('00');
  });
});
