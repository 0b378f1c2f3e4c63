/**
 * Host checks before anything is started: every file QEMU will open exists, is what it claims to
 * be and lies inside the allowed roots; images carry no backing chain we would silently follow.
 * Paths are replaced by their real paths, so what we checked is what QEMU opens.
 */
import { realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { pathProblem, type Problem, type Topology } from '@mpqemu/shared';
import { execa } from 'execa';

export interface PreflightOptions {
  /** Realpaths of the allowed image directories; empty or undefined: anywhere. */
  imageRoots?: readonly string[];
  qemuImg: string;
}

export interface PreflightResult {
  topology: Topology;
  errors: Problem[];
  warnings: Problem[];
}

interface HostFile {
  what: string;
  path: string;
  docPath: string;
  nodeIds: string[];
  format?: string;
  set: (topology: Topology, real: string) => Topology;
}

function hostFiles(topology: Topology): HostFile[] {
  const files: HostFile[] = [];
  const boot = topology.vm.boot;
  if (boot.kind === 'kernel') {
    files.push({
      what: 'kernel',
      path: boot.kernel,
      docPath: 'vm.boot.kernel',
      nodeIds: ['$vm'],
      set: (t, real) =>
        t.vm.boot.kind === 'kernel'
          ? { ...t, vm: { ...t.vm, boot: { ...t.vm.boot, kernel: real } } }
          : t,
    });
    if (boot.initrd !== '') {
      files.push({
        what: 'initrd',
        path: boot.initrd,
        docPath: 'vm.boot.initrd',
        nodeIds: ['$vm'],
        set: (t, real) =>
          t.vm.boot.kind === 'kernel'
            ? { ...t, vm: { ...t.vm, boot: { ...t.vm.boot, initrd: real } } }
            : t,
      });
    }
  }
  topology.drives.forEach((drive, i) => {
    // A drive attached to nothing is not part of the launch.
    if (drive.attachedTo === null) return;
    files.push({
      what: `drive ${drive.id}: image`,
      path: drive.image.path,
      docPath: `drives[${i}].image.path`,
      nodeIds: [drive.id],
      format: drive.image.format,
      set: (t, real) => ({
        ...t,
        drives: t.drives.map((d, j) => (j === i ? { ...d, image: { ...d.image, path: real } } : d)),
      }),
    });
  });
  return files;
}

function problem(
  severity: Problem['severity'],
  code: string,
  file: HostFile,
  message: string,
): Problem {
  return { severity, code, message, path: file.docPath, nodeIds: file.nodeIds };
}

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

async function checkFile(file: HostFile, options: PreflightOptions): Promise<string | Problem> {
  const bad = pathProblem(file.path);
  if (bad) return problem('error', 'host.path', file, `${file.what} path ${bad}`);
  let real: string;
  try {
    real = await realpath(file.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be resolved (${code ?? 'error'})`;
    return problem('error', 'host.missing', file, `${file.what} ${file.path} ${why}`);
  }
  const st = await stat(real).catch(() => null);
  if (!st || (!st.isFile() && !st.isBlockDevice())) {
    return problem(
      'error',
      'host.not-a-file',
      file,
      `${file.what} ${file.path} is not a regular file or block device`,
    );
  }
  const roots = options.imageRoots ?? [];
  if (roots.length > 0 && !roots.some((root) => inside(real, root))) {
    return problem(
      'error',
      'host.outside-roots',
      file,
      `${file.what} ${real} is outside the allowed image directories (${roots.join(', ')})`,
    );
  }
  return real;
}

async function checkImage(file: HostFile, real: string, qemuImg: string): Promise<Problem[]> {
  // -U: a running VM holds a write lock on its image, and reading metadata must not fail on it.
  const result = await execa(
    qemuImg,
    ['info', '-U', '--output=json', '--backing-chain', '-f', file.format ?? 'raw', real],
    { reject: false, timeout: 15_000, stdin: 'ignore' },
  );
  if (result.exitCode !== 0) {
    const said = (result.stderr || result.stdout).trim().split('\n').slice(-2).join(' ');
    return [
      problem(
        'error',
        'host.image-invalid',
        file,
        `${file.what} ${real} cannot be opened as ${file.format ?? 'raw'}: ${said}`,
      ),
    ];
  }
  let chain: { 'backing-filename'?: string; 'full-backing-filename'?: string }[];
  try {
    chain = JSON.parse(result.stdout) as typeof chain;
  } catch {
    return [];
  }
  const backing = chain[0]?.['full-backing-filename'] ?? chain[0]?.['backing-filename'];
  if (backing === undefined) return [];
  return [
    problem(
      'warning',
      'image.backing-ignored',
      file,
      `${file.what} ${real}: backing file ${backing} is ignored (backing: null); the guest sees only the top layer`,
    ),
  ];
}

/** Checks every host file of `topology`; never throws for a user mistake, reports it. */
export async function preflight(
  topology: Topology,
  options: PreflightOptions,
): Promise<PreflightResult> {
  const files = hostFiles(topology);
  const checked = await Promise.all(files.map((f) => checkFile(f, options)));
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  let resolved = topology;
  const images: Promise<Problem[]>[] = [];
  files.forEach((file, i) => {
    const result = checked[i];
    if (result === undefined) return;
    if (typeof result !== 'string') {
      errors.push(result);
      return;
    }
    resolved = file.set(resolved, result);
    if (file.format !== undefined) images.push(checkImage(file, result, options.qemuImg));
  });
  for (const p of (await Promise.all(images)).flat()) {
    (p.severity === 'error' ? errors : warnings).push(p);
  }
  return { topology: resolved, errors, warnings };
}
