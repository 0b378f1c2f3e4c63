/**
 * Host checks before anything is started: every file QEMU will open exists, is what it claims to
 * be and lies inside the allowed roots; images carry no backing chain we would silently follow.
 * Paths are replaced by their real paths, so what we checked is what QEMU opens.
 */
import { constants } from 'node:fs';
import { access, open, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import {
  detectImageFormat,
  formatMismatch,
  IMAGE_HEADER_BYTES,
  pathProblem,
  type ImageFormat,
  type Problem,
  type Topology,
} from '@mpqemu/shared';
import { execa } from 'execa';

export interface PreflightOptions {
  /** Realpaths of the allowed image directories; empty or undefined: anywhere. */
  imageRoots?: readonly string[];
  qemuImg: string;
  /** Who else has this image (a real path) open for a run now, e.g. `run 3fa2 (lab)`; null: nobody. */
  inUse?: (realPath: string) => string | null;
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
  format?: ImageFormat;
  readOnly: boolean;
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
      readOnly: true,
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
        readOnly: true,
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
      readOnly: drive.image.readOnly,
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
  const mode = file.readOnly ? constants.R_OK : constants.R_OK | constants.W_OK;
  if (
    !(await access(real, mode).then(
      () => true,
      () => false,
    ))
  ) {
    const readable = await access(real, constants.R_OK).then(
      () => true,
      () => false,
    );
    return readable
      ? problem(
          'error',
          'host.not-writable',
          file,
          `${file.what} ${file.path} is not writable by the server; mark the drive read-only or fix the file's permissions`,
        )
      : problem(
          'error',
          'host.unreadable',
          file,
          `${file.what} ${file.path} is not readable by the server`,
        );
  }
  return real;
}

/** The image's own header, read without following anything it names. */
async function readHeader(real: string): Promise<Uint8Array> {
  const handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buffer = new Uint8Array(IMAGE_HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, IMAGE_HEADER_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function checkImage(
  file: HostFile,
  real: string,
  options: PreflightOptions,
): Promise<Problem[]> {
  const user = options.inUse?.(real) ?? null;
  if (user !== null && !file.readOnly) {
    return [
      problem(
        'error',
        'host.image-in-use',
        file,
        `${file.what} ${file.path} is in use by ${user}; QEMU would refuse to lock it (stop that run or use another image)`,
      ),
    ];
  }
  const declared = file.format ?? 'raw';
  let mismatch: string | null;
  try {
    mismatch = formatMismatch(declared, detectImageFormat(await readHeader(real)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return [
      problem(
        'error',
        'host.unreadable',
        file,
        `${file.what} ${file.path} cannot be read (${code})`,
      ),
    ];
  }
  if (mismatch !== null) {
    return [
      problem('error', 'host.format-mismatch', file, `${file.what} ${file.path} ${mismatch}`),
    ];
  }
  const qemuImg = options.qemuImg;
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
    if (file.format !== undefined) images.push(checkImage(file, result, options));
  });
  for (const p of (await Promise.all(images)).flat()) {
    (p.severity === 'error' ? errors : warnings).push(p);
  }
  return { topology: resolved, errors, warnings };
}
