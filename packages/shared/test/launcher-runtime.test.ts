import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exportLauncherScript, planLaunch } from '../src/index.ts';
import { LAUNCHER_IMPORTS, LAUNCHER_RUNTIME } from '../src/export/launcher-runtime.ts';
import { KVM_CAPS, dev, remote, topo } from './support/build.ts';

const source = readFileSync(new URL('../src/export/launcher-runtime.mjs', import.meta.url), 'utf8');

describe('launcher runtime', () => {
  it('embeds exactly the text of the checked launcher-runtime.mjs (run scripts/embed-launcher-runtime.mjs)', () => {
    expect(source).toContain(`// mpqemu:launcher-start\n${LAUNCHER_IMPORTS}// mpqemu:plan-start\n`);
    expect(source.endsWith(`// mpqemu:plan-end\n${LAUNCHER_RUNTIME}`)).toBe(true);
  });

  it('exports the runtime with its plan block replaced by the plan literal', () => {
    const planned = planLaunch(
      topo({ processes: [{ id: 'rp0' }], devices: [dev.lsi('lsi0', remote('rp0'))] }),
      KVM_CAPS,
    );
    if (!planned.ok) throw new Error('fixture has errors');
    const script = exportLauncherScript(planned.plan, { title: 'demo' });
    expect(script).not.toContain('mpqemu:plan-start');
    expect(script).not.toContain('MPQEMU_LAUNCHER_PLAN');
    expect(script.indexOf(LAUNCHER_IMPORTS)).toBeLessThan(script.indexOf('const PLAN = {'));
    expect(script.endsWith(LAUNCHER_RUNTIME)).toBe(true);
  });
});
