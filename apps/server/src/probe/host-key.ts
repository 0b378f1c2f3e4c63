/**
 * What can change a probe's answer, and so keys its cache: the binary's identity and version, the
 * kernel, and /dev/kvm (a new device node after a module reload, or new permissions). The stat
 * part is cheap and checked on every use. The version costs a QEMU start (about 0.1 s), so it is
 * asked only of a binary that is not ELF (a wrapper script, whose target can change under it); an
 * ELF binary's version is a function of the file, which the stat part already identifies.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
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

async function kvmIdentity(): Promise<HostIdentity['kvm']> {
  try {
    const st = await stat(KVM_DEVICE);
    const usable = await access(KVM_DEVICE, constants.R_OK | constants.W_OK).then(
      () => true,
      () => false,
    );
    const { dev, ino, rdev, mtimeMs, mode, uid, gid } = st;
    return { dev, ino, rdev, mtimeMs, mode, uid, gid, usable };
  } catch {
    return null;
  }
}

/** The stat part of the key of the binary at `path` (absolute, resolved). */
export async function hostIdentity(path: string): Promise<HostIdentity> {
  const [st, kvm] = await Promise.all([stat(path), kvmIdentity()]);
  return {
    binary: path,
    size: st.size,
    mtimeMs: st.mtimeMs,
    dev: st.dev,
    ino: st.ino,
    kernel: release(),
    kvm,
  };
}
