/**
 * One real I/O check per family, only where it can mean something: proxied devices get
 * interrupts only through KVM (irqfd), so under TCG every proxied I/O hangs and a result would be
 * a guess. The test guest has a driver for virtio-blk only; other models say so.
 */
import type { CheckOutcome } from '@mpqemu/shared';
import type { GuestConsole } from './guest-console.ts';

/** The first bytes doctor writes into every disk it creates. */
export const DISK_MARKER = 'mpqemu-doctor-sector-0';

/** Reads the first sector of the cold-plugged disk through the guest's driver (KVM only). */
export async function checkIo(
  model: string,
  kvmUsable: boolean,
  console: GuestConsole,
  note: (line: string) => void,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CheckOutcome> {
  if (!kvmUsable) {
    note(
      'io: not measurable here: no usable KVM (a proxied device gets interrupts only through KVM)',
    );
    return 'skipped';
  }
  if (model !== 'virtio-blk-pci') {
    note(`io: not measured: the test guest has no driver for ${model}`);
    return 'skipped';
  }
  const from = console.mark();
  // Split markers: the echo of the typed command must not match the answer.
  console.write(`echo "dr""-io $(dd if=/dev/vda bs=22 count=1 2>&1)"; echo "dr""-io-end"\n`);
  const end = await console.waitFor(/^dr-io-end$/m, from, timeoutMs, signal);
  const line = /^dr-io (.*)$/m.exec(console.since(from))?.[1];
  if (!end || line === undefined) {
    note(
      `io: failed: no answer from dd on /dev/vda within ${timeoutMs} ms (interrupts not delivered?)`,
    );
    return 'failed';
  }
  note(`io: guest read sector 0 of /dev/vda: ${line}`);
  return line.startsWith(DISK_MARKER) ? 'ok' : 'failed';
}
