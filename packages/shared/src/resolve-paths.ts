/**
 * Example and sample documents point at the test guest relative to their own folder, so they work
 * wherever the repository is cloned. Loaders of files on disk (the CLI, the server's samples) make
 * such paths absolute against the file's folder; documents edited in the UI always hold absolute
 * paths. POSIX string operations only: this package runs in the browser too.
 */
import type { Topology } from './schema.ts';

export function joinPosix(base: string, relative: string): string {
  const segments: string[] = [];
  for (const part of `${base}/${relative}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') segments.pop();
    else segments.push(part);
  }
  return `/${segments.join('/')}`;
}

/** Plain relative paths only: a protocol-looking value (`nbd:x`) is left for the validator to refuse. */
function resolve(path: string, baseDir: string): string {
  if (path === '' || path.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) return path;
  return joinPosix(baseDir, path);
}

export function resolveDocumentPaths(topology: Topology, baseDir: string): Topology {
  const boot = topology.vm.boot;
  return {
    ...topology,
    vm: {
      ...topology.vm,
      boot:
        boot.kind === 'kernel'
          ? {
              ...boot,
              kernel: resolve(boot.kernel, baseDir),
              initrd: resolve(boot.initrd, baseDir),
            }
          : boot,
    },
    drives: topology.drives.map((d) => ({
      ...d,
      image: { ...d.image, path: resolve(d.image.path, baseDir) },
    })),
  };
}
