import { describe, expect, it } from 'vitest';
import { joinPosix, resolveDocumentPaths } from '../src/index.ts';
import { dev, drive, topo } from './support/build.ts';

describe('resolveDocumentPaths', () => {
  const doc = topo({
    vm: { boot: { kind: 'kernel', kernel: '../g/vmlinuz', initrd: './initrd.gz' } },
    devices: [dev.lsi('lsi0'), dev.vblk('vb0'), dev.vblk('vb1')],
    drives: [
      drive.hd('d0', 'lsi0', 0, { image: { path: 'disks/d0.img', format: 'raw' } }),
      drive.image('d1', 'vb0', { image: { path: '/abs/d1.qcow2', format: 'qcow2' } }),
      drive.image('d2', 'vb1', { image: { path: 'nbd:evil:10809', format: 'raw' } }),
    ],
  });

  it('makes plain relative paths absolute against the folder of the file', () => {
    const t = resolveDocumentPaths(doc, '/srv/mpqemu/examples');
    expect(t.vm.boot).toEqual({
      kind: 'kernel',
      kernel: '/srv/mpqemu/g/vmlinuz',
      initrd: '/srv/mpqemu/examples/initrd.gz',
      append: '',
    });
    expect(t.drives.map((d) => d.image.path)).toEqual([
      '/srv/mpqemu/examples/disks/d0.img',
      '/abs/d1.qcow2',
      // Left alone so that the validator refuses it, rather than turned into a file name.
      'nbd:evil:10809',
    ]);
  });

  it('leaves the input document and empty paths alone', () => {
    const before = structuredClone(doc);
    resolveDocumentPaths(doc, '/x');
    expect(doc).toEqual(before);
    const none = topo({ vm: { boot: { kind: 'kernel', kernel: '/k', initrd: '' } } });
    expect(resolveDocumentPaths(none, '/x').vm.boot).toMatchObject({ initrd: '' });
  });

  it('normalises . and .. and cannot climb above the root', () => {
    expect(joinPosix('/a/b', '../../../c/./d')).toBe('/c/d');
    expect(joinPosix('/', 'x//y/')).toBe('/x/y');
  });
});
