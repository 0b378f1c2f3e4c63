import { describe, expect, it } from 'vitest';
import {
  MeasuredFactsSchema,
  planLaunch,
  proxySupport,
  validate,
  type Capabilities,
  type DoctorResult,
  type MeasuredFacts,
} from '../src/index.ts';
import { KVM_CAPS, dev, remote, topo } from './support/build.ts';

function result(over: Partial<DoctorResult> & Pick<DoctorResult, 'model'>): DoctorResult {
  return {
    machine: 'pc',
    enumerated: true,
    pciId: '1af4:1004',
    hotplug: 'ok',
    restart: 'ok',
    io: 'skipped',
    evidence: [],
    ms: 1200,
    ...over,
  };
}

function measured(results: DoctorResult[]): Capabilities {
  const facts: MeasuredFacts = {
    format: 1,
    identity: { path: '/usr/bin/qemu-system-x86_64', size: 1, mtimeMs: 1, version: '10.0.2' },
    measuredAt: '2026-12-01T10:00:00.000Z',
    report: {
      qemu: { binary: '/usr/bin/qemu-system-x86_64', version: '10.0.2' },
      kvmUsable: false,
      results,
    },
  };
  return { ...KVM_CAPS, measured: MeasuredFactsSchema.parse(facts) };
}

const codes = (
  caps: Capabilities,
  t = topo({ processes: [{ id: 'rp0' }], devices: [dev.virtioScsi('s0', remote('rp0'))] }),
) => validate(t, caps).map((p) => p.code);

describe('measured proxy facts', () => {
  it('keep the catalogue default when doctor never ran', () => {
    expect(proxySupport('virtio-scsi-pci', KVM_CAPS)).toMatchObject({
      status: 'verified',
      source: 'catalogue',
      note: expect.stringMatching(/^Measured by mpqemu doctor on QEMU 7\.2/) as unknown,
    });
    expect(proxySupport('nvme', KVM_CAPS)).toMatchObject({
      status: 'unsupported',
      source: 'catalogue',
    });
    expect(codes(KVM_CAPS)).toEqual([]);
  });

  it('a measured enumeration is cited with the QEMU version and the date', () => {
    const caps = measured([result({ model: 'virtio-scsi-pci' })]);
    const support = proxySupport('virtio-scsi-pci', caps);
    expect(support).toMatchObject({ status: 'verified', source: 'measured' });
    expect(support.status === 'verified' && support.note).toMatch(
      /^Measured on this host's QEMU 10\.0\.2 on 2026-12-01: pc: enumerated 1af4:1004/,
    );
    expect(codes(caps)).toEqual([]);
  });

  it('a measured failure beats a verified default, and the validator refuses to plan it', () => {
    const caps = measured([
      result({
        model: 'lsi53c895a',
        enumerated: false,
        pciId: null,
        evidence: ['boot: timeout after 20000 ms'],
      }),
    ]);
    const t = topo({ processes: [{ id: 'rp0' }], devices: [dev.lsi('l0', remote('rp0'))] });
    const problem = validate(t, caps).find((p) => p.code === 'proxy.unsupported');
    expect(problem?.message).toContain(
      "Measured on this host's QEMU 10.0.2 on 2026-12-01: pc: boot: timeout",
    );
    expect(planLaunch(t, caps).ok).toBe(false);
    expect(planLaunch(t, caps, { measuring: ['proxy.unsupported'] }).ok).toBe(true);
  });

  it('a model the catalogue refuses becomes plannable once measured working', () => {
    const t = topo({ processes: [{ id: 'rp0' }], devices: [dev.nvme('n0', remote('rp0'))] });
    expect(codes(KVM_CAPS, t)).toContain('proxy.unsupported');
    const caps = measured([result({ model: 'nvme', pciId: '1b36:0010' })]);
    expect(codes(caps, t)).not.toContain('proxy.unsupported');
  });

  it('uses the result for the topology machine; worked elsewhere only is untested there', () => {
    const caps = measured([
      result({ model: 'e1000e', machine: 'pc' }),
      result({ model: 'e1000e', machine: 'q35', enumerated: false, pciId: null }),
      result({ model: 'megasas', machine: 'pc', pciId: '1000:0060' }),
    ]);
    expect(proxySupport('e1000e', caps, 'q35').status).toBe('unsupported');
    expect(proxySupport('e1000e', caps, 'pc').status).toBe('verified');
    const megasas = proxySupport('megasas', caps, 'q35');
    expect(megasas).toMatchObject({ status: 'untested', source: 'measured' });
    expect(megasas.status === 'untested' && megasas.note).toContain('on pc only, not on q35');
  });

  it('rejects a stored file that does not match the schema', () => {
    const bad = { ...measured([]).measured, report: { qemu: {}, kvmUsable: 'yes', results: [] } };
    expect(MeasuredFactsSchema.safeParse(bad).success).toBe(false);
  });
});
