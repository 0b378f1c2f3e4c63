/**
 * The test guest's serial console: its boot lines, and a shell to read sysfs at any later time.
 * Markers are written split in two ("dr""-end") so the echo of the typed command never matches.
 */
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { pollUntil } from './wait.ts';

const KEEP = 256 * 1024;

/** PCI address (0000:00:05.0) → vendor:device, lower-case hex without 0x. */
export type PciListing = Map<string, string>;

export class GuestConsole {
  private text = '';
  private dropped = 0;
  private sequence = 0;

  /** Stops reading the console (the end is ours to close). */
  close(): void {
    this.socket.destroy();
  }

  constructor(private readonly socket: Socket) {
    const decoder = new StringDecoder('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      this.text += decoder.write(chunk).replace(/\r/g, '');
      if (this.text.length > KEEP) {
        const cut = this.text.length - KEEP / 2;
        this.text = this.text.slice(cut);
        this.dropped += cut;
      }
    });
  }

  /** A position in the output, for `since`. */
  mark(): number {
    return this.dropped + this.text.length;
  }

  since(from: number): string {
    return this.text.slice(Math.max(0, from - this.dropped));
  }

  /** The last lines, for evidence when something did not come. */
  tail(lines: number): string[] {
    return this.text.trimEnd().split('\n').slice(-lines);
  }

  /** The first match of `re` (multiline) in the output after `from`. */
  waitFor(re: RegExp, from: number, timeoutMs: number, signal?: AbortSignal) {
    return pollUntil(() => re.exec(this.since(from)) ?? undefined, timeoutMs, signal, 50);
  }

  /** Types `text` into the guest's shell. */
  write(text: string): void {
    this.socket.write(text);
  }

  /** What the guest's /sys/bus/pci/devices lists now, through its shell. */
  async listPci(timeoutMs: number, signal?: AbortSignal): Promise<PciListing | undefined> {
    const n = ++this.sequence;
    const from = this.mark();
    this.socket.write(
      `for d in /sys/bus/pci/devices/*; do echo "dr""-pci \${d##*/} $(cat $d/vendor):$(cat $d/device)"; done; echo "dr""-end ${n}"\n`,
    );
    const end = await this.waitFor(new RegExp(`^dr-end ${n}$`, 'm'), from, timeoutMs, signal);
    if (!end) return undefined;
    return parsePci(this.since(from), /^dr-pci (\S+) 0x([0-9a-fA-F]{4}):0x([0-9a-fA-F]{4})$/gm);
  }
}

/** The boot-time lines of the test guest's /init. */
export const BOOT_PCI_LINE = /^mpqemu-guest: pci (\S+) ([0-9a-f]{4}):([0-9a-f]{4})$/gm;

export function parsePci(text: string, re: RegExp): PciListing {
  const listing: PciListing = new Map();
  for (const m of text.matchAll(re)) {
    listing.set(m[1] ?? '', `${m[2] ?? ''}:${m[3] ?? ''}`.toLowerCase());
  }
  return listing;
}
