/**
 * What can change a probe's answer, and so keys its cache: the binary's identity and version, the
 * kernel, and /dev/kvm (a new device node after a module reload, or new permissions). The stat
 * part is cheap and checked on every use. The version costs a QEMU start (about 0.1 s), so it is
 * asked only of a binary that is not ELF (a wrapper script, whose target can change under it); an
 * ELF binary's version is a function of the file, which the stat part already identifies.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { release } from 'node:os';
import * as z from 'zod';

const KVM_DEVICE = '/dev/kvm';

export const HostIdentity = z.object({
  binary: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  dev: z.number(),
  ino: z.number(),
  kernel: z.string(),
  kvm: z
    .object({
      dev: z.number(),
      ino: z.number(),
      rdev: z.number(),
      mtimeMs: z.number(),
      mode: z.number(),
      uid: z.number(),
      gid: z.number(),
      /** Whether this process may open it read-write (group membership changes this). */
      usable: z.boolean(),
    })
    .nullable(),
});
export type HostIdentity = z.infer<typeof HostIdentity>;

export const HostKey = HostIdentity.extend({ versionLine: z.string() });
export type HostKey = z.infer<typeof HostKey>;

// Synchronous on purpose, here and in binary.ts: every launch checks these few system files (the
// binary it is about to exec in a spawn that blocks anyway, /dev/kvm), a stat costs microseconds,
// and an asynchronous one waits its turn in the thread pool (about 0.5 ms on a busy host).
function kvmIdentity(): HostIdentity['kvm'] {
  try {
    const st = statSync(KVM_DEVICE);
    let usable = true;
    try {
      accessSync(KVM_DEVICE, constants.R_OK | constants.W_OK);
    } catch {
      usable = false;
    }
    const { dev, ino, rdev, mtimeMs, mode, uid, gid } = st;
    return { dev, ino, rdev, mtimeMs, mode, uid, gid, usable };
  } catch {
    return null;
  }
}

/** The stat part of the key of the binary at `path` (absolute, resolved). */
// eslint-disable-next-line @typescript-eslint/require-await -- async: a missing binary rejects
export async function hostIdentity(path: string): Promise<HostIdentity> {
  const st = statSync(path);
  return {
    binary: path,
    size: st.size,
    mtimeMs: st.mtimeMs,
    dev: st.dev,
    ino: st.ino,
    kernel: release(),
    kvm: kvmIdentity(),
  };
}
