import { describe, expect, it } from 'vitest';
import { passFilesByFd, planLaunch, renderReadableText, type LaunchPlan } from '../src/index.ts';
import { KVM_CAPS, dev, drive, remote, topo } from './support/build.ts';

function planOf(): LaunchPlan {
  const t = topo({
    vm: { boot: { kind: 'kernel', kernel: '/boot/vmlinuz', initrd: '/boot/initrd.gz' } },
    processes: [{ id: 'rp0' }],
    devices: [dev.lsi('lsi0', remote('rp0'))],
    drives: [drive.hd('d0', 'lsi0', 0, { image: { path: '/imgs/disk0.img', format: 'raw' } })],
  });
  const planned = planLaunch(t, KVM_CAPS);
  if (!planned.ok) throw new Error(JSON.stringify(planned.problems));
  return passFilesByFd(planned.plan);
}

describe('passFilesByFd', () => {
  it('gives each image an fd set after the channel and monitor fds and keeps the name in opaque', () => {
    const plan = planOf();
    const rp0 = plan.processes.find((p) => p.name === 'rp0');
    // fd 3 is the channel, fd 4 the QMP monitor's end.
    expect(rp0?.qmpFd).toBe(4);
    expect(rp0?.files).toEqual({ '5': { path: '/imgs/disk0.img', write: true } });
    const argv = rp0?.argv ?? [];
    expect(argv[argv.indexOf('-add-fd') + 1]).toBe('fd=5,set=1,opaque=/imgs/disk0.img');
    expect(argv.join(' ')).toContain('"filename":"/dev/fdset/1"');
    expect(argv.join(' ')).not.toContain('"filename":"/imgs/disk0.img"');
  });

  it('passes kernel and initrd as /dev/fd/N and says in the readable plan which file each is', () => {
    const plan = planOf();
    const main = plan.processes.find((p) => p.role === 'main');
    const files = Object.entries(main?.files ?? {});
    expect(files.map(([, f]) => f.write)).toEqual(files.map(() => false));
    for (const [fd] of files) expect(main?.argv).toContain(`/dev/fd/${fd}`);
    const text = renderReadableText(plan);
    for (const [fd, f] of files) expect(text).toContain(`fd ${fd} = ${f.path} opened read-only`);
    expect(text).toContain('fd 5 = /imgs/disk0.img opened read-write');
  });
});
