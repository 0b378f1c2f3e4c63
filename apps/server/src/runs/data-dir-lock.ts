/**
 * One process at a time owns a data directory: the server or `mpqemu up`. Both put runs under
 * `<dataDir>/runs`, and the owner deletes what a dead predecessor left there (stale-runs.ts), so a
 * second owner would delete live runs; two servers would also race on the topology store.
 *
 * The lock is flock(2) on `<dataDir>/server.lock`. The kernel drops it when the last descriptor of
 * the open file goes away, which happens on every kind of death, SIGKILL included, and it can never
 * go stale. The alternatives fail exactly there: a pid file or proper-lockfile's mkdir + mtime
 * stays behind after a SIGKILL (then pids are reused, or we wait for a staleness timeout), and a
 * bound unix socket leaves its file behind, so a newcomer must connect(), see ECONNREFUSED and
 * unlink it, which races with another newcomer doing the same and rebinding in between.
 * Node has no flock() and the addons that do (fs-ext, os-lock) need a compiler at install, so
 * util-linux's flock(1) (already required: setpriv comes with it) locks our descriptor for us: a
 * flock belongs to the open file description, which the child shares through the inherited fd and
 * which stays locked in this process after the child exits. Node opens files with O_CLOEXEC, so no
 * QEMU inherits the descriptor and keeps the lock alive after the server's death.
 */
import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { secureDataDir } from '../security/data-dir.ts';
import { join } from 'node:path';
import { runCommand } from '../runtime/run-command.ts';
import { findExecutable } from '../probe/binary.ts';
import { cmdline } from './proc.ts';

export interface DataDirLock {
  readonly path: string;
  /**
   * Closes the descriptor, which releases the lock; exiting does the same. The file stays: had we
   * unlinked it, a newcomer could lock a fresh file while another still waits on the old one.
   */
  release(): void;
}

export interface LockHolder {
  pid: number;
  /** What the holder said it is, e.g. "mpqemu studio". */
  role: string;
}

/** Another live process owns the data directory. */
export class DataDirBusy extends Error {
  override name = 'DataDirBusy';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder ? `${holder.role} (pid ${holder.pid})` : 'another mpqemu process';
    super(`the data directory ${dataDir} is in use by ${who}`);
  }
}

/** flock's exit status when the lock is taken; distinct from its error statuses. */
const CONFLICT = 75;

function lockFilePath(dataDir: string): string {
  return join(dataDir, 'server.lock');
}

function readHolder(path: string): LockHolder | null {
  try {
    const found = /^(\d+) (.+)\n$/.exec(readFileSync(path, 'utf8'));
    if (!found?.[1] || !found[2]) return null;
    const pid = Number(found[1]);
    // The holder writes its pid just after locking: until then the file names its predecessor.
    return cmdline(pid) !== null ? { pid, role: found[2] } : null;
  } catch {
    return null;
  }
}

/**
 * Takes the exclusive lock of `dataDir` (created 0700 if missing) for this process, as `role`.
 * Throws DataDirBusy when a live process holds it, another Error when it cannot be taken at all.
 */
export async function lockDataDir(dataDir: string, role: string): Promise<DataDirLock> {
  const flock = await findExecutable('flock');
  if (!flock) {
    throw new Error(
      'flock not found; it guards the data directory. Install it with: apt-get install util-linux',
    );
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // Before the lock file is created in it: a directory of another user is refused here.
  await secureDataDir(dataDir);
  const path = lockFilePath(dataDir);
  // Never truncated before it is ours: the holder's pid is in it. No symlink is followed.
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  let locked = false;
  try {
    // flock(1) locks the open file description it inherits at fd 3, which is ours: the lock
    // stays with our descriptor after flock exits.
    const result = await runCommand(
      [flock, '--exclusive', '--nonblock', '--conflict-exit-code', String(CONFLICT), '3'],
      { inherit: [fd], env: { LC_ALL: 'C' } },
    );
    if (result.code === CONFLICT) throw new DataDirBusy(dataDir, readHolder(path));
    if (result.code !== 0) {
      const why =
        result.stderr.trim() || result.spawnError || `exit ${result.code ?? result.signal ?? '?'}`;
      throw new Error(`cannot lock ${path}: ${why}`);
    }
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid} ${role}\n`, 0);
    locked = true;
  } finally {
    if (!locked) closeSync(fd);
  }
  let open = true;
  return {
    path,
    release() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
