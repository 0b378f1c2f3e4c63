import { describe, expect, it } from 'vitest';
import {
  confinementProblem,
  describeHostPath,
  imageRootProblem,
  isInside,
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
