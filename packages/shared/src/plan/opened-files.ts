/**
 * The launcher opens every image, kernel and initrd itself, checks what it opened, and hands the
 * descriptor to the QEMU that uses it, so QEMU never resolves a name again (a file swapped for a
 * symbolic link between the check and QEMU's own open made QEMU hold /etc/shadow). The planner
 * plans from paths; this rewrites a plan to use inherited descriptors, measured on QEMU 7.2 under
 * `-sandbox on`: `-add-fd fd=N,set=S,opaque=PATH` with `"filename": "/dev/fdset/S"` for a
 * `-blockdev` file node, and `/dev/fd/N` for `-kernel`/`-initrd`. The `opaque` and each
 * process's `files` keep the real names readable.
 */
import { classic, toLaunchArgv, type OptionValue, type PlanArg } from './args.ts';
import { FIRST_CHANNEL_FD, type LaunchPlan, type PlannedProcess } from './types.ts';

/** A host file a process inherits at a descriptor number. */
export interface InheritedFile {
  path: string;
  /** Opened read-write (a writable drive); otherwise read-only. */
  write: boolean;
}

function isFileNode(arg: PlanArg): arg is Extract<PlanArg, { kind: 'props' }> {
  return (
    arg.kind === 'props' &&
    arg.flag === '-blockdev' &&
    arg.props.driver === 'file' &&
    typeof arg.props.filename === 'string'
  );
}

function passProcessFiles(process: PlannedProcess, spares: readonly number[]): PlannedProcess {
  // The main QEMU's spare channel ends take fds too: a file must not land on one.
  const used = [
    ...Object.keys(process.fds).map(Number),
    ...(process.role === 'main' ? spares : []),
    process.qmpFd,
    ...(process.serialFd === null ? [] : [process.serialFd]),
  ];
  let nextFd = Math.max(FIRST_CHANNEL_FD, ...used.map((fd) => fd + 1));
  let nextSet = 1;
  const files: Record<string, InheritedFile> = {};
  const args: PlanArg[] = [];
  for (const arg of process.args) {
    if (isFileNode(arg)) {
      const fd = nextFd++;
      const set = nextSet++;
      const path = arg.props.filename as string;
      files[String(fd)] = { path, write: arg.props['read-only'] !== true };
      args.push(classic('-add-fd', { fd, set, opaque: path }));
      const props: Record<string, OptionValue> = { ...arg.props, filename: `/dev/fdset/${set}` };
      args.push({ ...arg, props });
    } else if (arg.kind === 'value' && (arg.flag === '-kernel' || arg.flag === '-initrd')) {
      const fd = nextFd++;
      files[String(fd)] = { path: arg.value, write: false };
      args.push({ ...arg, value: `/dev/fd/${fd}` });
    } else {
      args.push(arg);
    }
  }
  return { ...process, args, argv: [process.argv[0] ?? '', ...toLaunchArgv(args)], files };
}

/**
 * The same plan with every image, kernel and initrd passed as an inherited descriptor. The
 * launcher must open `files[fd].path` (with the access mode `write` says) and give it to that
 * process at `fd`. Used by `mpqemu up`, the server and `mpqemu print`, so print shows what runs.
 */
export function passFilesByFd(plan: LaunchPlan): LaunchPlan {
  return { ...plan, processes: plan.processes.map((p) => passProcessFiles(p, plan.spares)) };
}
