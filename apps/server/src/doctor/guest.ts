/**
 * The guest doctor boots: by default the repository's test guest (scripts/build-guest.sh), whose
 * /init prints one "mpqemu-guest: pci <slot> <vendor>:<device>" line per device and then runs a
 * shell on the serial console.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { GUEST_DIR } from '../repo-paths.ts';

export interface DoctorGuest {
  kernel: string;
  initrd: string;
  append: string;
}

// From repo-paths: the same path whether this runs as a source file or inside the bundle.
const DEFAULT_GUEST_DIR = GUEST_DIR;

/** The test guest's files; `kernel`/`initrd` override them (the CLI's --kernel/--initrd). */
export function doctorGuest(over: { kernel?: string; initrd?: string } = {}): DoctorGuest {
  return {
    kernel: over.kernel ?? `${DEFAULT_GUEST_DIR}vmlinuz`,
    initrd: over.initrd ?? `${DEFAULT_GUEST_DIR}initrd.gz`,
    // no_timer_check: under load the emulated timer can look broken to the boot check, which
    // then panics; the examples boot the same way.
    append: 'console=ttyS0 quiet no_timer_check',
  };
}

/** Throws a message naming the missing file and how to build the test guest. */
export async function checkGuest(guest: DoctorGuest): Promise<void> {
  for (const [what, path] of [
    ['kernel', guest.kernel],
    ['initrd', guest.initrd],
  ] as const) {
    try {
      await access(path, constants.R_OK);
    } catch {
      throw new Error(
        `doctor needs a guest ${what}: ${path} is not readable. Build the test guest with scripts/build-guest.sh or pass --${what} FILE`,
      );
    }
  }
}
