import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classic,
  flag,
  hasClassicForm,
  json,
  planLaunch,
  renderReadable,
  renderReadableText,
  shellQuote,
  toClassic,
  toLaunchArgv,
  toReadableArgv,
  value,
  type PlanArg,
} from '../src/index.ts';
import { KVM_CAPS, dev, drive, remote, topo } from './support/build.ts';
import { readClassic } from './support/qemu-argv.ts';
import { shellWords } from './support/shell.ts';

type Props = Extract<PlanArg, { kind: 'props' }>;
const props = (a: PlanArg): Props => {
  if (a.kind !== 'props') throw new Error('not props');
  return a;
};

function mainLine(t = topo(), caps = KVM_CAPS): string[] {
  const r = planLaunch(t, caps, { runDir: '/run/r' });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const main = renderReadable(r.plan).commands.at(-1);
  const lines = main?.line.split(' \\\n    ') ?? [];
  // QEMU's own lines: those after the jail's wrapper, whose every tool ends in `--`.
  return lines.slice(lines.findLastIndex((l) => l.endsWith(' --')) + 1);
}

describe('classic option syntax', () => {
  it('doubles commas so a value cannot start a second key', () => {
    const arg = props(classic('-name', { guest: 'x,process=evil' }));
    expect(toClassic(arg)).toBe('guest=x,,process=evil');
    expect(readClassic(toClassic(arg))).toEqual([['guest', 'x,process=evil']]);
  });

  it('writes the implied key bare, but spells it out when its value holds "="', () => {
    expect(toClassic(props(classic('-machine', { type: 'pc', a: 'b' }, 'type')))).toBe('pc,a=b');
    const tricky = props(classic('-machine', { type: 'a=b' }, 'type'));
    expect(toClassic(tricky)).toBe('type=a=b');
    expect(readClassic(toClassic(tricky), 'type')).toEqual([['type', 'a=b']]);
  });

  it('repeats the key for a list of { str } (hostfwd)', () => {
    const arg = props(
      json('-netdev', 'type', { type: 'user', id: 'n', hostfwd: [{ str: 'a,b' }, { str: 'c' }] }),
    );
    expect(toClassic(arg)).toBe('user,id=n,hostfwd=a,,b,hostfwd=c');
  });

  it('has no classic form for null: it throws rather than write a node named "null"', () => {
    // Measured on 7.2: `-blockdev qcow2,...,backing=null` opens a backing node called "null".
    const arg = props(json('-blockdev', 'driver', { driver: 'qcow2', backing: null }));
    expect(hasClassicForm(arg)).toBe(false);
    expect(() => toClassic(arg)).toThrow(/no classic form/);
    expect(toReadableArgv([arg])).toEqual(['-blockdev', '{"driver":"qcow2","backing":null}']);
    expect(hasClassicForm(props(json('-device', 'driver', { driver: 'x', o: { a: 1 } })))).toBe(
      false,
    );
  });

  it('round-trips any values and keys through the independent reader', () => {
    const key = fc.stringMatching(/^[a-z][a-z-]{0,8}$/);
    fc.assert(
      fc.property(
        fc.string(),
        fc.dictionary(key, fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 6 }),
        (head, rest) => {
          const entries = Object.entries(rest).filter(([k]) => k !== 'driver');
          const arg = props(
            json('-device', 'driver', { driver: head, ...Object.fromEntries(entries) }),
          );
          const want = [
            ['driver', head],
            ...entries.map(([k, v]) => [
              k,
              typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v),
            ]),
          ];
          expect(readClassic(toClassic(arg), 'driver')).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('readable command lines', () => {
  it('keeps a flag and its value on one line even when the value looks like a flag', () => {
    const lines = mainLine(
      topo({ vm: { boot: { kind: 'kernel', kernel: '/k', append: '-kernel' } } }),
    );
    expect(lines).toContain('-append -kernel');
    expect(lines).toContain('-kernel /k');
  });

  it('puts a bare flag alone and each option on its own line', () => {
    const lines = mainLine();
    expect(lines).toContain('-nodefaults');
    expect(lines).toContain('-no-user-config');
    expect(lines.filter((l) => l.startsWith('-'))).toHaveLength(
      (() => {
        const r = planLaunch(topo(), KVM_CAPS, { runDir: '/run/r' });
        return r.ok ? (r.plan.processes[0]?.args.length ?? 0) : -1;
      })(),
    );
  });

  it('quotes a command word that a shell would take for an assignment', () => {
    const lines = mainLine(topo(), { ...KVM_CAPS, binary: 'QEMU=/x' });
    expect(lines[0]).toBe("'QEMU=/x'");
    expect(shellQuote('guest=vm')).toBe('guest=vm');
  });

  it('writes the qcow2 format node as JSON, since classic syntax cannot say backing: null', () => {
    const lines = mainLine(
      topo({
        devices: [dev.vblk('vb0')],
        drives: [drive.image('d0', 'vb0')],
      }),
    );
    expect(lines).toContain(
      `-blockdev '{"driver":"qcow2","node-name":"d0-fmt","file":"d0-file","read-only":false,"backing":null}'`,
    );
    expect(lines).toContain(
      '-blockdev file,node-name=d0-file,filename=/img/d0.qcow2,read-only=off',
    );
  });

  it('shell-quotes any word so that sh reads it back unchanged', () => {
    const words = fc.array(
      fc.string({ unit: 'binary' }).map((s) => s.replace(/\0/g, '')),
      {
        maxLength: 8,
      },
    );
    const samples = fc
      .sample(words, 300)
      .map((w) => w.map((s) => s.replace(/[\uD800-\uDFFF]/gu, '')));
    const lines = samples.map((w) => w.map(shellQuote).join(' '));
    expect(shellWords(lines)).toEqual(samples);
  });

  it('says how the processes are orchestrated', () => {
    const alone = planLaunch(topo(), KVM_CAPS, { runDir: '/run/r' });
    expect(alone.ok && renderReadable(alone.plan).steps[0]).toBe(
      'No device is proxied: start the main QEMU alone.',
    );
    const r = planLaunch(
      topo({ processes: [{ id: 'rp0' }], devices: [dev.lsi('lsi0', remote('rp0'))] }),
      KVM_CAPS,
      { runDir: '/run/r' },
    );
    if (!r.ok) throw new Error('no plan');
    const text = renderReadableText(r.plan);
    expect(text).toContain('lsi0 (remote rp0 fd 3 ↔ main fd 3)');
    expect(text).toContain(
      "# Remote process rp0: emulates lsi0 (fd 3 = lsi0's socketpair end, fd 4 = its QMP monitor)",
    );
    expect(text.endsWith('\n')).toBe(true);
  });

  it('renders options in the same order and number as the launch argv', () => {
    const args: PlanArg[] = [flag('-a'), value('-b', '-c'), classic('-d', { e: 'f' })];
    expect(toLaunchArgv(args)).toEqual(['-a', '-b', '-c', '-d', 'e=f']);
    expect(toReadableArgv(args)).toEqual(['-a', '-b', '-c', '-d', 'e=f']);
  });
});
