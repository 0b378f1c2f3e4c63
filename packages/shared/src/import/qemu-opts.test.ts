import { describe, expect, it } from 'vitest';
import { toClassic } from '../plan/args.ts';
import { parseOpts, parseSize, propBool, propInt } from './qemu-opts.ts';

describe('parseOpts', () => {
  it('reads the implied key, key=value pairs and ",," escapes', () => {
    expect(parseOpts('-device', 'scsi-hd,id=d0,drive=a,,b')).toEqual({
      ok: true,
      json: false,
      props: { driver: 'scsi-hd', id: 'd0', drive: 'a,b' },
    });
  });

  it('reads a bare key after the first as "on", and ignores a trailing comma', () => {
    expect(parseOpts('-object', 'x-remote-object,id=r,devid=lsi0,fd=4,')).toMatchObject({
      props: { 'qom-type': 'x-remote-object', id: 'r', devid: 'lsi0', fd: '4' },
    });
    expect(parseOpts('-chardev', 'socket,id=q,server')).toMatchObject({ props: { server: 'on' } });
  });

  it('reads JSON syntax and reports the error position', () => {
    expect(parseOpts('-device', '{"driver":"lsi53c895a","id":"lsi0"}')).toMatchObject({
      json: true,
      props: { driver: 'lsi53c895a', id: 'lsi0' },
    });
    const bad = parseOpts('-device', '{"driver": lsi}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.offset).toBe(11);
  });

  it('collects repeated hostfwd keys and nests dotted -blockdev keys', () => {
    expect(
      parseOpts('-netdev', 'user,id=n,hostfwd=tcp::1-:2,hostfwd=udp::3-:4').ok &&
        parseOpts('-netdev', 'user,id=n,hostfwd=tcp::1-:2,hostfwd=udp::3-:4'),
    ).toMatchObject({
      props: { hostfwd: [{ str: 'tcp::1-:2' }, { str: 'udp::3-:4' }] },
    });
    expect(
      parseOpts('-blockdev', 'qcow2,node-name=f,file.driver=file,file.filename=/a'),
    ).toMatchObject({
      props: { driver: 'qcow2', file: { driver: 'file', filename: '/a' } },
    });
  });

  it('inverts the planner classic rendering', () => {
    const props = {
      driver: 'file',
      'node-name': 'n',
      filename: '/x,file=/etc/passwd',
      'read-only': false,
    };
    const text = toClassic({
      kind: 'props',
      flag: '-blockdev',
      json: true,
      implied: 'driver',
      props,
    });
    const back = parseOpts('-blockdev', text);
    expect(back.ok && back.props).toEqual({ ...props, 'read-only': 'off' });
  });

  it('refuses an empty option between commas', () => {
    expect(parseOpts('-device', 'a,,,,b,,,c=d')).toMatchObject({ ok: true });
    expect(parseOpts('-device', 'a,id=x,,')).toMatchObject({ ok: true, props: { id: 'x,' } });
    expect(parseOpts('-device', 'a,,b,,c,=d')).toMatchObject({ ok: false });
  });
});

describe('values', () => {
  it('parses sizes with and without units', () => {
    expect(parseSize('2G')).toBe(2 ** 31);
    expect(parseSize('256M')).toBe(256 * 2 ** 20);
    expect(parseSize('2048', 'm')).toBe(2048 * 2 ** 20);
    expect(parseSize('268435456')).toBe(268435456);
    expect(parseSize('lots')).toBeNull();
  });

  it('reads booleans and integers in QEMU spellings', () => {
    expect(propBool({ a: 'on', b: 'off', c: true, d: 'maybe' }, 'a')).toBe(true);
    expect(propBool({ b: 'off' }, 'b')).toBe(false);
    expect(propBool({ d: 'maybe' }, 'd')).toBeNull();
    expect(propInt({ a: '0x1f', b: '7', c: 'x' }, 'a')).toBe(31);
    expect(propInt({ c: 'x' }, 'c')).toBeNull();
  });
});
