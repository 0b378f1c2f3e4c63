/**
 * Opening a host file a document names, once, the way QEMU will get it. The last component is
 * never followed (O_NOFOLLOW), a FIFO cannot block us (O_NONBLOCK), and the confinement rule is
 * checked against the real path of the descriptor we hold (/proc/self/fd/N), not against the name:
 * whatever the name leads to after the check, the descriptor does not change.
 */
import { close, constants, fstat, open, read, type Stats } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import { confinementProblem, fileIdentity, pathProblem, type Confinement } from '@mpqemu/shared';
import { userUids } from '../security/users.ts';

const openFd = promisify(open);
const fstatFd = promisify(fstat);
const closeFd = promisify(close);
const readFd = promisify(read);

export interface OpenedHostFile {
  fd: number;
  written: string;
  /** What the descriptor really is. */
  real: string;
  stats: Stats;
}

/** Why a file could not be opened for QEMU: `code` is the problem code shown on the node. */
export interface OpenRefusal {
  code:
    | 'host.path'
    | 'host.missing'
    | 'host.unreadable'
    | 'host.not-a-file'
    | 'host.outside-roots'
    | 'host.foreign-owner';
  message: string;
}

function errnoMessage(written: string, e: unknown, write: boolean): OpenRefusal {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  if (code === 'ENOENT') return { code: 'host.missing', message: `${written} does not exist` };
  if (code === 'ELOOP')
    return {
      code: 'host.path',
      message: `${written} is a symbolic link; give the path of the file itself`,
    };
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return {
      code: 'host.unreadable',
      message: `${written} cannot be opened ${write ? 'for writing (make the drive read-only or fix its permissions)' : 'for reading'} (${code})`,
    };
  if (code === 'EISDIR')
    return { code: 'host.not-a-file', message: `${written} is a directory, not a file` };
  return { code: 'host.unreadable', message: `${written} cannot be opened (${code})` };
}

/**
 * Opens `written` (read-write when `write`) and checks what was opened. On success the caller
 * owns `fd` and must close it (closeQuietly); on refusal nothing stays open.
 */
export async function openHostFile(
  written: string,
  write: boolean,
  confinement: Confinement,
): Promise<{ ok: true; file: OpenedHostFile } | { ok: false; refusal: OpenRefusal }> {
  const bad = pathProblem(written);
  if (bad) return { ok: false, refusal: { code: 'host.path', message: `path ${bad}` } };
  const flags =
    (write ? constants.O_RDWR : constants.O_RDONLY) | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  let fd: number;
  try {
    fd = await openFd(written, flags);
  } catch (e) {
    return { ok: false, refusal: errnoMessage(written, e, write) };
  }
  try {
    const real = await readlink(`/proc/self/fd/${fd}`);
    const stats = await fstatFd(fd);
    const problem = confinementProblem(written, real, confinement);
    if (problem) return await refuse(fd, { code: 'host.outside-roots', message: problem });
    // By identity, not by name: a hard link to the token or the settings is that very file.
    const own = confinement.dataFiles?.get(fileIdentity(stats));
    if (own !== undefined) {
      return await refuse(fd, {
        code: 'host.outside-roots',
        message: `${written} is the same file as ${own} (a hard link), one of mpqemu studio's own files; it can never be attached`,
      });
    }
    if (write && !userUids().has(stats.uid)) {
      // Another user's file handed to a guest to write: refused even where permissions allow it.
      return await refuse(fd, {
        code: 'host.foreign-owner',
        message: `${written} belongs to another user (uid ${stats.uid}); it can only be attached read-only`,
      });
    }
    if (!stats.isFile() && !stats.isBlockDevice()) {
      return await refuse(fd, {
        code: 'host.not-a-file',
        message: `${written} is not a regular file or block device`,
      });
    }
    return { ok: true, file: { fd, written, real, stats } };
  } catch (e) {
    return refuse(fd, errnoMessage(written, e, write));
  }
}

async function refuse(
  fd: number,
  refusal: OpenRefusal,
): Promise<{ ok: false; refusal: OpenRefusal }> {
  await closeQuietly(fd);
  return { ok: false, refusal };
}

/** Closes a descriptor we own; a failure to close is not the user's problem. */
export async function closeQuietly(fd: number): Promise<void> {
  await closeFd(fd).catch(() => undefined);
}

/** Reads up to `length` bytes at `position` of an open descriptor. */
export async function readAt(fd: number, position: number, length: number): Promise<Uint8Array> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await readFd(fd, buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
