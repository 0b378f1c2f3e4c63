import { readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TCG_ACK,
  isAlive,
  loadExample,
  managerForFile,
  pidsOf,
  qemuUnder,
  waitForConsole,
  waitForRun,
} from './helpers.ts';

const files = managerForFile();

describe('launching the examples', () => {
  it('starts the upstream LSI example; the guest sees the proxied device; stop leaves nothing', async () => {
    const started = await files.manager.start(loadExample('upstream-lsi.json'), {
      acknowledged: TCG_ACK,
      topologyName: 'upstream-lsi',
    });
    expect(started.status).toBe('starting');
    expect(started.problems.map((p) => p.code)).toContain('proxy.tcg-no-interrupts');

    const running = await waitForRun(files.manager, started.id, (r) => r.status === 'running');
    expect(running.processes.map((p) => [p.name, p.status])).toEqual([
      ['rp0', 'running'],
      ['main', 'running'],
    ]);
    // setpriv execs QEMU: the pid we watch and sample is QEMU's own.
    for (const pid of pidsOf(running)) {
      expect(readlinkSync(`/proc/${pid}/exe`)).toMatch(/qemu-system-x86_64$/);
    }
    const output = await waitForConsole(files.manager, started.id, 'mpqemu-guest: pci-done');
    expect(output).toContain('mpqemu-guest: pci 0000:00:05.0 1000:0012');

    const stats = files.manager.stats(started.id, AbortSignal.timeout(10_000));
    let sampled: string[] = [];
    for await (const sample of stats) {
      sampled = sample.processes.filter((p) => p.rssBytes > 0).map((p) => p.name);
      if (sampled.length === 2) break;
    }
    expect(sampled.sort()).toEqual(['main', 'rp0']);

    const logs = files.manager.logs(started.id, 'main', AbortSignal.timeout(5_000));
    for await (const chunk of logs) {
      expect(chunk.process).toBe('main');
      expect(chunk.dropped).toBe(0);
      break;
    }

    const everyRun = files.manager.events(null, AbortSignal.timeout(5_000))[Symbol.asyncIterator]();
    const first = await everyRun.next();
    expect(first.done).toBe(false);
    expect((first.value as { id: string }).id).toBe(started.id);
    await everyRun.return?.();

    const pids = pidsOf(running);
    const runDir = `${files.dataDir}/runs/${started.id}`;
    const stopped = await files.manager.stop(started.id);
    expect(stopped.status).toBe('stopped');
    expect(stopped.reason).toBe('stopped by the user');
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(qemuUnder(runDir)).toEqual([]);
    expect(stopped.processes.every((p) => p.status === 'exited')).toBe(true);
  });

  it('starts the rich example; every proxied device and the main virtio-net are enumerated', async () => {
    const started = await files.manager.start(loadExample('rich.json'), { acknowledged: TCG_ACK });
    const running = await waitForRun(files.manager, started.id, (r) => r.status === 'running');
    expect(running.processes.map((p) => p.name)).toEqual(['rp0', 'rp1', 'rp2', 'main']);
    const output = await waitForConsole(files.manager, started.id, 'mpqemu-guest: pci-done');
    expect(output).toContain('mpqemu-guest: pci 0000:00:05.0 1000:0012');
    expect(output).toContain('mpqemu-guest: pci 0000:00:06.0 8086:10d3');
    expect(output).toContain('mpqemu-guest: pci 0000:00:07.0 1af4:1001');
    expect(output).toContain('mpqemu-guest: pci 0000:00:08.0 1af4:1000');
    const pids = pidsOf(running);
    const stopped = await files.manager.stop(started.id);
    expect(stopped.status).toBe('stopped');
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});
