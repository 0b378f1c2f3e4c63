/** Samples CPU% and RSS of a run's live processes about once a second. */
import type { StatsSample } from '@mpqemu/shared';
import { Topic } from './feed.ts';
import type { ProcessHandle } from './process-handle.ts';
import { readProc } from './proc-stats.ts';

export class StatsSampler {
  readonly samples = new Topic<StatsSample>();
  last: StatsSample | null = null;
  private timer: NodeJS.Timeout | null = null;
  private first: NodeJS.Immediate | null = null;
  private previous = new Map<number, { at: number; cpuSeconds: number }>();

  constructor(
    private readonly handles: () => ProcessHandle[],
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    if (this.timer || this.samples.isClosed) return;
    // The first sample waits for the next turn of the event loop: it reads two /proc files per
    // process, which would otherwise delay the news that the run is ready.
    this.first = setImmediate(() => void this.sample());
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.first) clearImmediate(this.first);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.samples.close();
  }

  private async sample(): Promise<void> {
    const at = Date.now();
    const live = this.handles().filter((h) => h.alive && h.info.pid !== null);
    const readings = await Promise.all(live.map((h) => readProc(h.info.pid ?? -1)));
    if (!this.timer && this.last !== null) return;
    const processes: StatsSample['processes'] = [];
    live.forEach((h, i) => {
      const reading = readings[i];
      const pid = h.info.pid;
      if (!reading || pid === null) return;
      const before = this.previous.get(pid);
      this.previous.set(pid, { at, cpuSeconds: reading.cpuSeconds });
      const seconds = before ? (at - before.at) / 1000 : 0;
      const cpuPercent =
        before && seconds > 0 ? ((reading.cpuSeconds - before.cpuSeconds) / seconds) * 100 : 0;
      processes.push({
        name: h.name,
        pid,
        cpuPercent: Math.max(0, Math.round(cpuPercent * 10) / 10),
        rssBytes: reading.rssBytes,
      });
    });
    this.last = { at, processes };
    this.samples.emit(this.last);
  }
}
