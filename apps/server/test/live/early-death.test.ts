import { DEFAULT_RESTART_POLICY, type RunInfo } from '@mpqemu/shared';
import { describe, expect, it } from 'vitest';
import {
  TCG_ACK,
  loadExample,
  managerForFile,
  waitForConsole,
  waitForRun,
} from '../runs/helpers.ts';
import { guestReadsId } from './guest.ts';

const files = managerForFile({ killGraceMs: 3_000 });
/** Gives up on the guest's release after 1 s: a kill at `running` is never released that fast. */
const impatient = managerForFile({ killGraceMs: 3_000, unplugTimeoutMs: 1_000 });
/** upstream-lsi.json: the LSI controller sits at slot 5 and reads 1000:0012. */
const LSI = '0000:00:05.0';

function pidOf(info: RunInfo, name: string): number {
  const pid = info.processes.find((p) => p.name === name)?.pid;
  if (typeof pid !== 'number') throw new Error(`${name} has no pid`);
  return pid;
}

describe('a device process that dies before the guest bound a driver', () => {
  it('is restarted too: device_del is repeated until the booted guest takes it', async () => {
    const { id } = await files.manager.start(loadExample('upstream-lsi.json'), {
      acknowledged: TCG_ACK,
    });
    const running = await waitForRun(files.manager, id, (r) => r.status === 'running');
    const started = Date.now();
    // At `running` the guest is still in its firmware: no OS, no ACPI hot-plug handler yet.
    process.kill(pidOf(running, 'rp0'), 'SIGKILL');
    const back = await waitForRun(
      files.manager,
      id,
      (r) =>
        r.status === 'running' &&
        r.processes.some((p) => p.name === 'rp0' && p.status === 'running' && p.restarts === 1),
      60_000,
    );
    console.log(
      `SIGKILL in the first second -> rp0 plugged again after ${Date.now() - started} ms`,
    );
    expect(back.reason).toBe(null);
    const texts = back.steps.filter((s) => s.process === 'rp0').map((s) => s.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rp0: lsi0 unplugged \(after \d+ device_del requests\)$/),
        'rp0: lsi0 plugged in at slot 0x5',
      ]),
    );
    await waitForConsole(files.manager, id, /guest# /);
    expect(await guestReadsId(files.manager, id, LSI, '1000 0012')).toBe('1000 0012');
    await files.manager.stop(id);
  });

  it('when the guest does not release it in time: degraded with the truth, unless the policy allows a reset', async () => {
    const { manager } = impatient;
    const { id } = await manager.start(loadExample('upstream-lsi.json'), { acknowledged: TCG_ACK });
    const running = await waitForRun(manager, id, (r) => r.status === 'running');
    process.kill(pidOf(running, 'rp0'), 'SIGKILL');
    const degraded = await waitForRun(
      manager,
      id,
      (r) => r.status === 'degraded' && (r.reason ?? '').startsWith('restart of rp0 failed'),
    );
    expect(degraded.reason).toMatch(
      /^restart of rp0 failed: the guest did not release lsi0 within 1 s \(\d device_del requests?\); a guest driver may still be using it, or the guest does not handle ACPI hot-plug\. Its restart policy does not allow a guest reset \(resetGuest\): reset the guest yourself/,
    );
    // The booted guest takes the repeated request: a manual restart recovers.
    await waitForConsole(manager, id, /guest# /);
    const recovered = await manager.restartProcess(id, 'rp0');
    expect(recovered.status).toBe('running');
    expect(await guestReadsId(manager, id, LSI, '1000 0012')).toBe('1000 0012');
    await manager.stop(id);
  });

  it('with resetGuest in its policy, resets the guest, says so, and the rebooted guest reads it', async () => {
    const { manager } = impatient;
    const topology = loadExample('upstream-lsi.json');
    const policy = { ...DEFAULT_RESTART_POLICY, resetGuest: true };
    const { id } = await manager.start(
      { ...topology, processes: topology.processes.map((p) => ({ ...p, restart: policy })) },
      { acknowledged: TCG_ACK },
    );
    const running = await waitForRun(manager, id, (r) => r.status === 'running');
    process.kill(pidOf(running, 'rp0'), 'SIGKILL');
    const back = await waitForRun(
      manager,
      id,
      (r) =>
        r.status === 'running' &&
        r.processes.some((p) => p.name === 'rp0' && p.status === 'running' && p.restarts === 1),
      60_000,
    );
    const texts = back.steps.filter((s) => s.process === 'rp0').map((s) => s.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rp0: the guest did not release lsi0 within 1 s \(\d device_del/),
        'rp0: the guest was reset (it reboots); lsi0 unplugged',
        'rp0: lsi0 plugged in at slot 0x5',
      ]),
    );
    await waitForConsole(manager, id, /guest# /);
    expect(await guestReadsId(manager, id, LSI, '1000 0012')).toBe('1000 0012');
    await manager.stop(id);
  });
});
