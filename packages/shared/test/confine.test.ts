import { describe, expect, it } from 'vitest';
import {
  confinementProblem,
  describeHostPath,
  imageRootProblem,
  imageRootWarning,
  isInside,
  rootProblem,
  type Confinement,
} from '../src/index.ts';

const c: Confinement = {
  roots: [
    { path: '/data/mpq/images', real: '/data/mpq/images', kind: 'library' },
    { path: '/home/u/vms', real: '/home/u/vms', kind: 'configured' },
    // A root that holds the data directory does not make its files attachable.
    { path: '/data', real: '/data', kind: 'settings' },
  ],
  dataDir: '/data/mpq',
  libraryDir: '/data/mpq/images',
};

describe('confinementProblem', () => {
  it('accepts files inside a root, the library included', () => {
    expect(confinementProblem('/home/u/vms/a.img', '/home/u/vms/a.img', c)).toBeNull();
    expect(
      confinementProblem('/data/mpq/images/d.qcow2', '/data/mpq/images/d.qcow2', c),
    ).toBeNull();
  });

  it("refuses the data directory's own files whatever the roots", () => {
    expect(confinementProblem('/data/mpq/token', '/data/mpq/token', c)).toMatch(
      /own files .*can never be attached/,
    );
  });

  it('shows both names when the path resolves elsewhere', () => {
    const message = confinementProblem('/home/u/vms/link.img', '/etc/shadow', c);
    expect(message).toContain('/home/u/vms/link.img (resolves to /etc/shadow)');
    expect(message).toMatch(/outside the image roots/);
  });

  it('refuses relative, dotted and protocol paths before looking at roots', () => {
    expect(confinementProblem('/home/u/vms/../../../etc/shadow', '/etc/shadow', c)).toMatch(/\.\./);
    expect(confinementProblem('nbd:localhost:1', '/x', c)).toMatch(/protocol/);
  });

  it('does not take a sibling with the same prefix for a child', () => {
    expect(isInside('/home/u/vms2/a', '/home/u/vms')).toBe(false);
    expect(isInside('/anything', '/')).toBe(true);
    expect(describeHostPath('/a', '/a')).toBe('/a');
  });
});

describe('imageRootProblem', () => {
  it('refuses the whole filesystem and the pseudo filesystems, accepts a folder', () => {
    expect(imageRootProblem('/')).toMatch(/whole filesystem/);
    expect(imageRootProblem('/proc/self/root')).toMatch(/inside \/proc/);
    expect(imageRootProblem('/sys')).toMatch(/inside \/sys/);
    expect(imageRootProblem('/devices')).toBeNull();
    expect(imageRootProblem('vms')).toMatch(/absolute/);
    expect(imageRootProblem('/home/u/vms')).toBeNull();
  });
});

describe('rootProblem and imageRootWarning', () => {
  it('refuses system folders, /root and the data directory with its ancestors', () => {
    for (const dir of ['/etc', '/etc/ssl', '/boot', '/run/user/0', '/root']) {
      expect(rootProblem(dir, '/data/mpq'), dir).not.toBeNull();
    }
    for (const dir of ['/', '/data', '/data/mpq']) {
      expect(rootProblem(dir, '/data/mpq'), dir).not.toBeNull();
    }
    expect(rootProblem('/data', '/data/mpq')).toMatch(/contains mpqemu studio's data directory/);
    expect(rootProblem('/root/vms', '/data/mpq')).toBeNull();
    expect(rootProblem('/data/other', '/data/mpq')).toBeNull();
  });

  it('warns for home and system folders, not for a folder inside a home', () => {
    expect(imageRootWarning('/home/u')).toMatch(/whole home folder.*SSH keys/);
    expect(imageRootWarning('/home/u/')).toMatch(/whole home folder/);
    expect(imageRootWarning('/usr/share')).toMatch(/system folder/);
    expect(imageRootWarning('/home')).toMatch(/system folder/);
    expect(imageRootWarning('/home/u/vms')).toBeNull();
    expect(imageRootWarning('/srv2/vms')).toBeNull();
  });
});

describe('confinementProblem with a refused root', () => {
  it('says which root is ignored and why', () => {
    const withRefused: Confinement = {
      ...c,
      refused: [
        { path: '/vms-link', real: '/', kind: 'settings', problem: 'is the whole filesystem' },
      ],
    };
    expect(confinementProblem('/etc/shadow', '/etc/shadow', withRefused)).toMatch(
      /under the image root \/vms-link \(resolves to \/\), which is ignored: it is the whole filesystem/,
    );
  });
});
