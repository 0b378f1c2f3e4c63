/**
 * Where the time of one command goes, for `mpqemu --timings` and the benchmarks. Times are
 * `performance.now()`: milliseconds since this Node process started, so the first figure already
 * includes Node's own start-up and the loading of our code.
 */

export interface TimedStep {
  step: string;
  /** When the step began, ms since the process started. */
  startMs: number;
  /** How long it took; 0 for a point in time (a mark). */
  ms: number;
}

/** Collects steps; steps that run concurrently overlap, which the printed start times show. */
export class Timings {
  readonly steps: TimedStep[] = [];
  readonly details: string[] = [];
  /** Set once the figures went out, so they are not printed twice. */
  printed = false;

  /** A line printed under the steps, e.g. the probe's own steps. */
  detail(text: string): void {
    this.details.push(text);
  }

  /** Records a point in time, e.g. "first QEMU spawned". */
  mark(step: string): void {
    this.steps.push({ step, startMs: performance.now(), ms: 0 });
  }

  /** Runs `work` and records how long it took, also when it fails. */
  async time<T>(step: string, work: () => Promise<T> | T): Promise<T> {
    const startMs = performance.now();
    try {
      return await work();
    } finally {
      this.steps.push({ step, startMs, ms: performance.now() - startMs });
    }
  }

  /** The steps in start order, one per line: start, duration, name. */
  format(): string {
    const rows = [...this.steps].sort((a, b) => a.startMs - b.startMs);
    const lines = rows.map(
      (s) =>
        `  at ${s.startMs.toFixed(1).padStart(7)} ms  ${s.ms === 0 ? '        ' : `${s.ms.toFixed(1).padStart(6)} ms`}  ${s.step}`,
    );
    lines.push(...this.details.map((d) => `  ${d}`));
    // Wall-clock time of the origin lets a caller relate these figures to its own clock.
    return `timings (ms since the process started at epoch ${performance.timeOrigin.toFixed(1)}):\n${lines.join('\n')}\n`;
  }
}
