/**
 * Host checks before anything is started. Every file QEMU will use is opened here, once
 * (open-file.ts: no final symbolic link, confinement checked on the descriptor), its header read
 * by the shared parser (nothing it names is opened or contacted), and the descriptors are kept
 * for the launch: QEMU inherits them and never opens these names itself.
 */
import {
  describeHostPath,
  driveModel,
  type Confinement,
  type ImageFormat,
  type Problem,
  type Topology,
} from '@mpqemu/shared';
import { inspectImage } from '../images/inspect.ts';
import { closeQuietly, openHostFile, type OpenedHostFile } from '../images/open-file.ts';

/**
 * Host warnings a start (or a hot-add) needs confirmed, like the validator's: the server refuses
 * until the caller sends the code in `acknowledged`, so the dialog that says so comes first.
 */
const CONFIRMED_HOST_WARNINGS: ReadonlySet<string> = new Set([
  'host.image-hard-linked',
  // Running unconfined is never silent (plan/jail.ts).
  'host.unconfined',
]);

/** The warnings of `problems` that need confirming and were not. */
export function unconfirmedHostWarnings(
  problems: readonly Problem[],
  acknowledged: readonly string[],
): Problem[] {
  const confirmed = new Set(acknowledged);
  return problems.filter(
    (p) =>
      p.severity === 'warning' && CONFIRMED_HOST_WARNINGS.has(p.code) && !confirmed.has(p.code),
  );
}

export interface PreflightOptions {
  confinement: Confinement;
  /** Which live run has this real path open, e.g. `run 3fa2 (lab)`; null: none. */
  inUse?: (real: string) => string | null;
}

/** The descriptors the checks opened, by real path and access mode, for the launch. */
export interface HeldFiles {
  /** The descriptor for `path` opened read-write (`write`) or read-only, or undefined. */
  fdOf(path: string, write: boolean): number | undefined;
  /** Closes every descriptor (after the spawn, or when the start is refused). */
  close(): Promise<void>;
}

export interface PreflightResult {
  /** The document with each checked path replaced by the real path of what was opened. */
  topology: Topology;
  errors: Problem[];
  warnings: Problem[];
  files: HeldFiles;
}

interface HostFile {
  what: string;
  path: string;
  docPath: string;
  nodeIds: string[];
  write: boolean;
  format?: ImageFormat;
  set: (topology: Topology, real: string) => Topology;
}

function bootFiles(topology: Topology): HostFile[] {
  const boot = topology.vm.boot;
  if (boot.kind !== 'kernel') return [];
  const withBoot = (t: Topology, change: Partial<typeof boot>): Topology =>
    t.vm.boot.kind === 'kernel' ? { ...t, vm: { ...t.vm, boot: { ...t.vm.boot, ...change } } } : t;
  const files: HostFile[] = [
    {
      what: 'kernel',
      path: boot.kernel,
      docPath: 'vm.boot.kernel',
      nodeIds: ['$vm'],
      write: false,
      set: (t, real) => withBoot(t, { kernel: real }),
    },
  ];
  if (boot.initrd !== '') {
    files.push({
      what: 'initrd',
      path: boot.initrd,
      docPath: 'vm.boot.initrd',
      nodeIds: ['$vm'],
      write: false,
      set: (t, real) => withBoot(t, { initrd: real }),
    });
  }
  return files;
}

function hostFiles(topology: Topology): HostFile[] {
  const files = bootFiles(topology);
  topology.drives.forEach((drive, i) => {
    // A drive attached to nothing is not part of the launch.
    if (drive.attachedTo === null) return;
    files.push({
      what: `drive ${drive.id}: image`,
      path: drive.image.path,
      docPath: `drives[${i}].image.path`,
      nodeIds: [drive.id],
      // QEMU's access mode must match the node's (docs/qemu-facts.md: "Passing opened files").
      write: !(drive.image.readOnly || driveModel(drive.model)?.forcedReadOnly === true),
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

async function checkImage(
  file: HostFile,
  opened: OpenedHostFile,
  options: PreflightOptions,
): Promise<Problem[]> {
  const user = file.write ? (options.inUse?.(opened.real) ?? null) : null;
  if (user !== null) {
    // QEMU write-locks a writable image: the second VM would fail at start, after the spawns.
    return [
      problem(
        'error',
        'host.image-in-use',
        file,
        `${file.what} ${file.path} is in use by ${user}; stop that run or use another image`,
      ),
    ];
  }
  const facts = await inspectImage(opened.fd, opened.stats);
  const name = `${file.what} ${opened.real}`;
  if (facts.damaged) {
    return [problem('error', 'host.image-invalid', file, `${name}: ${facts.damaged}`)];
  }
  const out: Problem[] = [];
  const links = opened.stats.nlink;
  if (file.write && opened.stats.isFile() && links > 1) {
    // Another name for the same file may lie anywhere on this filesystem, outside every root:
    // what the guest writes lands there too.
    out.push(
      problem(
        'warning',
        'host.image-hard-linked',
        file,
        `${name} has ${links - 1} other hard link${links === 2 ? '' : 's'}: the same file under other names, possibly outside the image roots, and the guest writes to all of them. Confirm only if you made those links; otherwise make the drive read-only or use a copy`,
      ),
    );
  }
  if (facts.format !== file.format) {
    out.push(
      problem(
        'error',
        'host.format-mismatch',
        file,
        `${name} holds a ${facts.format} image but the drive's format is ${file.format ?? 'unset'}` +
          (facts.format === 'raw' || facts.format === 'qcow2'
            ? `; set the format to ${facts.format}`
            : '; only raw and qcow2 images can be attached'),
      ),
    );
  }
  if (facts.dataFile !== null) {
    out.push(
      problem(
        'error',
        'host.image-data-file',
        file,
        `${name} names an external data file (${facts.dataFile}) that QEMU would open by name; such images are refused`,
      ),
    );
  }
  if (facts.backingFile !== null) {
    out.push(
      problem(
        'warning',
        'image.backing-ignored',
        file,
        `${name}: backing file ${facts.backingFile} is ignored (backing: null); the guest sees only the top layer`,
      ),
    );
  }
  return out;
}

function holder(opened: { file: OpenedHostFile; write: boolean }[]): HeldFiles {
  return {
    fdOf: (path, write) => opened.find((o) => o.file.real === path && o.write === write)?.file.fd,
    close: async () => {
      await Promise.all(opened.map((o) => closeQuietly(o.file.fd)));
    },
  };
}

/**
 * Opens and checks every host file of `topology`; never throws for a user mistake, reports it.
 * When there are errors every descriptor is closed already; otherwise the caller owns `files`.
 */
export async function preflight(
  topology: Topology,
  options: PreflightOptions,
): Promise<PreflightResult> {
  const files = hostFiles(topology);
  const results = await Promise.all(
    files.map((f) => openHostFile(f.path, f.write, options.confinement)),
  );
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  const opened: { file: OpenedHostFile; write: boolean }[] = [];
  let resolved = topology;
  const images: Promise<Problem[]>[] = [];
  files.forEach((file, i) => {
    const result = results[i];
    if (result === undefined) return;
    if (!result.ok) {
      errors.push(
        problem('error', result.refusal.code, file, `${file.what} ${result.refusal.message}`),
      );
      return;
    }
    opened.push({ file: result.file, write: file.write });
    if (result.file.real !== file.path) {
      // Allowed, but not what the document says: people see both names before it runs.
      warnings.push(
        problem(
          'warning',
          'host.path-resolves-elsewhere',
          file,
          `${file.what} ${describeHostPath(file.path, result.file.real)}; that file is used`,
        ),
      );
    }
    resolved = file.set(resolved, result.file.real);
    if (file.format !== undefined) images.push(checkImage(file, result.file, options));
  });
  const held = holder(opened);
  try {
    for (const p of (await Promise.all(images)).flat()) {
      (p.severity === 'error' ? errors : warnings).push(p);
    }
  } catch (e) {
    await held.close();
    throw e;
  }
  if (errors.length > 0) await held.close();
  return { topology: resolved, errors, warnings, files: held };
}
