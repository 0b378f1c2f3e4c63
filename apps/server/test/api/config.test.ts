import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_PORT, loadConfig, type Config } from '../../src/config.ts';

const HOME_ENV = { HOME: '/home/u' };

function config(argv: string[], env: NodeJS.ProcessEnv = HOME_ENV): Config {
  const c = loadConfig(argv, env, '/work/dir');
  if (c === 'help') throw new Error('unexpected help');
  return c;
}

function refusal(argv: string[], env: NodeJS.ProcessEnv = HOME_ENV): string {
  try {
    loadConfig(argv, env, '/work/dir');
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('defaults to loopback, port 7788 and the XDG data directory', () => {
    const c = config([], { HOME: '/home/u' });
    expect(c).toMatchObject({ host: '127.0.0.1', port: DEFAULT_PORT, qemu: 'qemu-system-x86_64' });
    expect(c.qemuExplicit).toBe(false);
    expect(c.token).toBeUndefined();
    expect(c.imageRoots).toEqual([]);
    expect(config([], { XDG_DATA_HOME: '/xdg' }).dataDir).toBe('/xdg/mpqemu-studio');
  });

  it('takes the environment, and flags over it', () => {
    const env = {
      MPQEMU_HOST: '::1',
      MPQEMU_PORT: '9000',
      MPQEMU_QEMU: '/opt/qemu/bin/qemu-system-x86_64',
      MPQEMU_DATA_DIR: '/data',
      MPQEMU_TOKEN: 'a'.repeat(40),
      MPQEMU_IMAGE_ROOTS: '/images:/more',
      MPQEMU_LIVENESS_INTERVAL: '500',
      MPQEMU_ISOLATION: 'preferred',
    };
    expect(config([], env)).toEqual({
      host: '::1',
      port: 9000,
      qemu: '/opt/qemu/bin/qemu-system-x86_64',
      qemuExplicit: true,
      dataDir: '/data',
      token: 'a'.repeat(40),
      imageRoots: ['/images', '/more'],
      livenessIntervalMs: 500,
      isolation: 'preferred',
    });
    expect(config(['--isolation', 'off'], env).isolation).toBe('off');
    expect(config([]).isolation).toBe('required');
    expect(config(['--liveness-interval', '250'], env).livenessIntervalMs).toBe(250);
    expect(config([]).livenessIntervalMs).toBe(1000);
    const c = config(
      ['--port', '0', '--host', 'localhost', '--data-dir', 'rel', '--qemu=qemu-x'],
      env,
    );
    expect(config(['--image-root', '/x', '--image-root', '/y'], env).imageRoots).toEqual([
      '/x',
      '/y',
    ]);
    expect(c).toMatchObject({
      port: 0,
      host: 'localhost',
      dataDir: join('/work/dir', 'rel'),
      qemu: 'qemu-x',
    });
  });

  it.each([
    [['--port', 'abc'], {}, /^--port must be a number from 0 to 65535 \(got "abc"\)/],
    [['--liveness-interval', '50'], {}, /^--liveness-interval must be from 100 to 60000 ms/],
    [
      [],
      { MPQEMU_LIVENESS_INTERVAL: '1s' },
      /^MPQEMU_LIVENESS_INTERVAL must be a number of milliseconds from 100 to 60000 \(got "1s"\)/,
    ],
    [[], { MPQEMU_PORT: '70000' }, /^MPQEMU_PORT must be from 0 to 65535/],
    [['--host', 'example.com'], {}, /^--host must be an IP address/],
    [['--qemu', 'bin/qemu'], {}, /^--qemu must be a program name on PATH or an absolute path/],
    [['--qemu', 'qemu;rm -rf'], {}, /^--qemu must be a program name/],
    [
      [],
      { MPQEMU_IMAGE_ROOTS: 'relative:/abs' },
      /^MPQEMU_IMAGE_ROOTS directory relative must be absolute/,
    ],
    [
      ['--image-root', '/a/../etc'],
      {},
      /^--image-root directory \/a\/\.\.\/etc must not contain "\.\." segments/,
    ],
    [['--bogus'], {}, /Unknown option '--bogus'/],
    [['extra'], {}, /Unexpected argument 'extra'/],
  ])('names the bad setting: %j %j', (argv, env, message) => {
    expect(refusal(argv, { ...HOME_ENV, ...env })).toMatch(message);
  });

  it('never takes the token on the command line, and never echoes a rejected one', () => {
    expect(refusal(['--token', 'a'.repeat(40)])).toMatch(/--token is not accepted/);
    expect(refusal([`--token=${'a'.repeat(40)}`])).toMatch(/--token is not accepted/);
    const message = refusal([], { ...HOME_ENV, MPQEMU_TOKEN: 'tooShortSecret' });
    expect(message).toMatch(/^MPQEMU_TOKEN is 14 characters; at least 32/);
    expect(message).not.toContain('tooShortSecret');
  });

  it('answers --help', () => {
    expect(loadConfig(['--help'], HOME_ENV)).toBe('help');
  });
});
