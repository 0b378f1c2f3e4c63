import { describe, expect, it } from 'vitest';
import {
  DEFAULT_JAIL_SUPPORT,
  jailProblems,
  planLaunch,
  type JailSupport,
  type LaunchPlan,
  type PlanOptions,
} from '../src/index.ts';
import { KVM_CAPS, dev, remote, topo } from './support/build.ts';

const ROOT: JailSupport = { ...DEFAULT_JAIL_SUPPORT, ownUids: true, uidBase: 1000 };

function plan(t = sample(), support: JailSupport = ROOT, options: PlanOptions = {}): LaunchPlan {
  const r = planLaunch(t, { ...KVM_CAPS, jail: support }, { runDir: '/run/r', ...options });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

/** Two device processes, one of them with a NIC; the main QEMU has none. */
function sample() {
  return topo({
    processes: [{ id: 'rp0' }, { id: 'rp1' }],
    devices: [dev.lsi('lsi0', remote('rp0')), dev.e1000e('nic0', remote('rp1'))],
  });
}

const jailOf = (p: LaunchPlan, name: string) => {
  const found = p.processes.find((x) => x.name === name);
  if (!found) throw new Error(name);
  return found.jail;
};

describe('the jail of each process', () => {
  it('gives every process of a run a uid of its own when the orchestrator is root', () => {
    const ids = plan().processes.map((p) => p.jail.hostId);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => id !== null && id >= 1000)).toBe(true);
    expect(jailOf(plan(), 'rp0').wrapper).toEqual(
      expect.arrayContaining(['--reuid', '--regid', '--clear-groups']),
    );
  });

  it("keeps the server's uid when it cannot switch, and then sets no per-uid process limit", () => {
    const j = jailOf(plan(sample(), { ...ROOT, ownUids: false }), 'rp0');
    expect(j.hostId).toBeNull();
    expect(j.limits.processes).toBeNull();
    expect(j.wrapper).not.toContain('--reuid');
    expect(j.wrapper.some((w) => w.startsWith('--nproc'))).toBe(false);
  });

  it('gives the network only to the process with a NIC, and says why', () => {
    const p = plan();
    expect(jailOf(p, 'rp0').networkBecause).toBeNull();
    expect(jailOf(p, 'rp0').wrapper).toContain('--unshare-net');
    expect(jailOf(p, 'rp1').networkBecause).toMatch(/nic0/);
    expect(jailOf(p, 'rp1').wrapper).not.toContain('--unshare-net');
    expect(jailOf(p, 'main').wrapper).toContain('--unshare-net');
  });

  it('shows nothing of the host but read-only /usr, and drops every capability', () => {
    for (const { jail, role } of plan().processes) {
      const w = jail.wrapper;
      const binds = w.flatMap((word, i) =>
        word === '--bind' || word === '--ro-bind' || word === '--dev-bind' ? [w[i + 1]] : [],
      );
      // The sample's VM uses KVM: only its main QEMU gets the one device node.
      expect(binds).toEqual(role === 'main' ? ['/usr', '/dev/kvm'] : ['/usr']);
      expect(w).toEqual(expect.arrayContaining(['--cap-drop', 'ALL', '--die-with-parent']));
      expect(w.join(' ')).toContain('--remount-ro / --chdir / --');
      expect(w.at(-1)).toBe('--');
    }
  });

  it('gives a hot-added process a uid no live process holds', () => {
    const live = { main: 0, rp1: 2, rp5: 3 };
    const t = topo({ processes: [{ id: 'rp9' }], devices: [dev.lsi('lsi9', remote('rp9'))] });
    const j = jailOf(plan(t, ROOT, { ordinals: live }), 'rp9');
    expect(j.hostId).not.toBeNull();
    expect([1000, 1002, 1003]).not.toContain(j.hostId);
  });

  it('runs unconfined, and says why, when isolation is off or the host cannot jail', () => {
    const off = jailOf(plan(sample(), ROOT, { isolation: 'off' }), 'rp0');
    expect(off.confined).toBe(false);
    expect(off.unconfinedBecause).toMatch(/isolation is off/);
    expect(off.wrapper).toEqual(['setpriv', '--pdeathsig', 'SIGKILL', '--']);
    const broken = { ...ROOT, usable: false, reason: 'bwrap (bubblewrap) not found' };
    const preferred = jailOf(plan(sample(), broken, { isolation: 'preferred' }), 'rp0');
    expect(preferred.unconfinedBecause).toMatch(/bubblewrap/);
  });
});

describe('what Start says about jails', () => {
  const broken = { ...ROOT, usable: false, reason: 'bwrap (bubblewrap) not found; install it' };

  it('refuses on a host that cannot jail when isolation is required, on every process node', () => {
    const [p, ...rest] = jailProblems(broken, 'required', ['rp0', 'rp1']);
    expect(rest).toEqual([]);
    expect(p?.severity).toBe('error');
    expect(p?.code).toBe('host.jail-unavailable');
    expect(p?.message).toMatch(/install it.*--isolation preferred/);
    expect(p?.nodeIds).toEqual(['$vm', 'rp0', 'rp1']);
  });

  it('warns when processes run unconfined, and says nothing when they are jailed', () => {
    expect(jailProblems(broken, 'preferred', ['rp0']).map((p) => [p.severity, p.code])).toEqual([
      ['warning', 'host.unconfined'],
    ]);
    expect(jailProblems(ROOT, 'off', []).map((p) => p.code)).toEqual(['host.unconfined']);
    expect(jailProblems(ROOT, 'required', ['rp0'])).toEqual([]);
  });
});
