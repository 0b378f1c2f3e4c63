/**
 * While a proxy's remote process is dead, every guest access to the device makes the main QEMU
 * print `Unable to write to socket: Broken pipe` and `Failed to perform PCI config READ
 * operation` (measured on 7.2: hundreds of lines a second), which would push everything useful out
 * of the bounded log. The first line of each kind is kept; the rest become one line with a count.
 */
const FLOOD = [
  // "Broken pipe" first, then "Bad file descriptor" once QEMU closed the channel (seen on 7.2).
  /Unable to (write to|read from) socket/,
  /Failed to perform PCI config (READ|WRITE) operation/,
];

/** How often a summary line is written while a flood goes on. */
const SUMMARY_EVERY_MS = 10_000;

export class FloodFilter {
  private partial = '';
  private readonly seen = new Set<number>();
  private suppressed = 0;
  private lastSummary = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes decoded output; returns what to keep (complete lines only). */
  push(text: string): string {
    this.partial += text;
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    let kept = '';
    for (const line of lines) {
      const kind = FLOOD.findIndex((re) => re.test(line));
      if (kind < 0) {
        kept += `${line}\n`;
      } else if (!this.seen.has(kind)) {
        this.seen.add(kind);
        if (this.suppressed === 0) this.lastSummary = this.now();
        kept += `${line}\n`;
      } else {
        this.suppressed++;
      }
    }
    if (this.suppressed > 0 && this.now() - this.lastSummary >= SUMMARY_EVERY_MS) {
      kept += this.summary();
    }
    return kept;
  }

  /**
   * Ends a flood (the device is plugged again, or the process ended): the count so far, and any
   * unfinished line. The next flood shows its first lines again.
   */
  flush(): string {
    const rest = this.partial === '' ? '' : `${this.partial}\n`;
    this.partial = '';
    const summary = this.summary();
    this.seen.clear();
    return rest + summary;
  }

  private summary(): string {
    if (this.suppressed === 0) return '';
    const n = this.suppressed;
    this.suppressed = 0;
    this.lastSummary = this.now();
    return `[mpqemu: ${n} more line${n === 1 ? '' : 's'} like the above about a proxied device whose process was gone]\n`;
  }
}
