import { describe, expect, it } from 'vitest';
import { appendSample, STATS_WINDOW, type ProcessSeries } from './use-run-stats.ts';

describe('appendSample', () => {
  it('keeps a bounded series per process', () => {
    let series: Record<string, ProcessSeries> = {};
    for (let i = 0; i < STATS_WINDOW + 5; i++) {
      series = appendSample(series, {
        at: i,
        processes: [
          { name: 'main', pid: 10, cpuPercent: i, rssBytes: i * 1024 },
          { name: 'rp0', pid: 11, cpuPercent: 1, rssBytes: 2048 },
        ],
      });
    }
    expect(series.main?.cpu).toHaveLength(STATS_WINDOW);
    expect(series.main?.cpu.at(-1)).toBe(STATS_WINDOW + 4);
    expect(series.main?.cpu[0]).toBe(5);
    expect(series.rp0?.rss.at(-1)).toBe(2048);
  });

  it('does not change the previous series', () => {
    const before = { main: { cpu: [1], rss: [1] } };
    appendSample(before, {
      at: 0,
      processes: [{ name: 'main', pid: 1, cpuPercent: 2, rssBytes: 2 }],
    });
    expect(before.main.cpu).toEqual([1]);
  });
});
