/**
 * Hot-plug, hot-unplug and restart of a proxied device on a running guest, by the runtime's own
 * steps (runtime/live.ts, docs/live.md). Each step is bounded; what the guest lists in
 * /sys/bus/pci/devices is the judge, not QEMU's replies.
 */
import type { CheckOutcome, PlannedProcess } from '@mpqemu/shared';
import { proxyDeviceArgs, unplugProxy } from '../runtime/live.ts';
import { killAll, type DoctorProcess } from './processes.ts';
import { plugRemote, stderrEvidence, type Session } from './session.ts';
import { pollUntil } from './wait.ts';

export interface LiveContext {
  session: Session;
  machine: string;
  /** The hot-plug instance's remote process (its own disk). */
  remote: PlannedProcess;
  /** What the guest read for the cold-plugged device. */
  pciId: string;
  note: (line: string) => void;
  /** ms left of the check's bound. */
  left: () => number;
  signal?: AbortSignal;
}

const STEP_MS = 20_000;
const HOT_ID = 'hot0';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Said on a failure when the check's bound, not the step, ended it: a slow host, not QEMU. */
function bound(ctx: LiveContext): string {
  return ctx.left() <= 1 ? ' (timeout: the check ran out of time)' : '';
}

function step(ctx: LiveContext): number {
  return Math.max(1, Math.min(STEP_MS, ctx.left()));
}

function proxyArgs(ctx: LiveContext, fd: number): Record<string, unknown> {
  // q35's root bus takes no hot-plug: doctor launches an empty pcie-root-port "hp1" for it.
  const where = ctx.machine === 'q35' ? { bus: 'hp1' } : { slot: 6 };
  return proxyDeviceArgs('fd', HOT_ID, fd, where);
}

/** Polls the guest's listing until `accept` picks an entry; undefined after the step's bound. */
async function guestLists(
  ctx: LiveContext,
  accept: (listing: Map<string, string>) => string | undefined,
): Promise<string | undefined> {
  const console = ctx.session.console;
  return pollUntil(
    async () => {
      const listing = await console.listPci(Math.min(5_000, step(ctx)), ctx.signal);
      return listing === undefined ? undefined : accept(listing);
    },
    step(ctx),
    ctx.signal,
    300,
  );
}

async function plug(ctx: LiveContext, name: string): Promise<DoctorProcess | string> {
  let remote: DoctorProcess;
  let fd: number;
  try {
    ({ process: remote, fd } = plugRemote(ctx.session, name, ctx.remote));
  } catch (e) {
    return (e as Error).message;
  }
  try {
    await ctx.session.qmp?.execute('device_add', proxyArgs(ctx, fd), step(ctx));
  } catch (e) {
    return `device_add failed: ${(e as Error).message}`;
  }
  return remote;
}

async function unplug(ctx: LiveContext): Promise<number | string> {
  const { qmp } = ctx.session;
  if (!qmp) return 'no QMP connection';
  const started = performance.now();
  let outcome;
  try {
    ({ outcome } = await unplugProxy(
      qmp,
      HOT_ID,
      step(ctx),
      ctx.signal ?? new AbortController().signal,
    ));
  } catch (e) {
    return (e as Error).message;
  }
  if (outcome === 'not-released')
    return `no DEVICE_DELETED within ${seconds(step(ctx))} of device_del`;
  if (outcome === 'absent') return `device_del: ${HOT_ID} was not plugged`;
  return performance.now() - started;
}

/** Hot-plug on the first spare, then hot-unplug; both must show in the guest. */
export async function checkHotplug(
  ctx: LiveContext,
  before: Map<string, string>,
): Promise<CheckOutcome> {
  const started = performance.now();
  const plugged = await plug(ctx, 'remote rp1 (hot-plugged)');
  if (typeof plugged === 'string') {
    ctx.note(`hot-plug: ${plugged}`);
    return 'failed';
  }
  const bdf = await guestLists(
    ctx,
    (l) => [...l].find(([b, id]) => !before.has(b) && id === ctx.pciId)?.[0],
  );
  if (bdf === undefined) {
    ctx.note(
      `hot-plug: failed: the guest listed no new ${ctx.pciId} after device_add${bound(ctx)}`,
    );
    for (const line of stderrEvidence(ctx.session)) ctx.note(line);
    return 'failed';
  }
  ctx.note(
    `hot-plug: guest lists ${bdf} ${ctx.pciId} ${seconds(performance.now() - started)} after device_add`,
  );
  const unplugged = await unplug(ctx);
  if (typeof unplugged === 'string') {
    ctx.note(`hot-unplug: failed: ${unplugged}${bound(ctx)}`);
    return 'failed';
  }
  const gone = await guestLists(ctx, (l) => (l.has(bdf) ? undefined : bdf));
  if (gone === undefined) {
    ctx.note(
      `hot-unplug: failed: DEVICE_DELETED came but the guest still lists ${bdf}${bound(ctx)}`,
    );
    return 'failed';
  }
  const code = await Promise.race([
    plugged.proc.exited.then((e) => e.code),
    new Promise((r) => setTimeout(r, 5_000, 'running')),
  ]);
  ctx.note(
    `hot-unplug: DEVICE_DELETED ${seconds(unplugged)} after device_del; the guest no longer lists ${bdf}; its remote process ${code === 'running' ? 'is still running' : `exited with ${String(code)}`}`,
  );
  return 'ok';
}

/**
 * Restart of a crashed device process without rebooting the guest: SIGKILL the remote,
 * device_del, wait DEVICE_DELETED, a new remote on a new channel, device_add with the same id.
 */
export async function checkRestart(
  ctx: LiveContext,
  before: Map<string, string>,
): Promise<CheckOutcome> {
  const first = await plug(ctx, 'remote rp1 (before restart)');
  if (typeof first === 'string') {
    ctx.note(`restart: ${first}`);
    return 'failed';
  }
  const bdf = await guestLists(
    ctx,
    (l) => [...l].find(([b, id]) => !before.has(b) && id === ctx.pciId)?.[0],
  );
  if (bdf === undefined) {
    ctx.note(`restart: failed: the guest did not list the device to restart${bound(ctx)}`);
    return 'failed';
  }
  const started = performance.now();
  await killAll([first]);
  const deleted = await unplug(ctx);
  if (typeof deleted === 'string') {
    ctx.note(`restart: failed after SIGKILL of the remote: ${deleted}${bound(ctx)}`);
    return 'failed';
  }
  const second = await plug(ctx, 'remote rp1 (restarted)');
  if (typeof second === 'string') {
    ctx.note(`restart: ${second}`);
    return 'failed';
  }
  const replugged = await guestLists(ctx, (l) => (l.get(bdf) === ctx.pciId ? bdf : undefined));
  if (replugged === undefined) {
    ctx.note(`restart: failed: the guest did not list ${bdf} ${ctx.pciId} again${bound(ctx)}`);
    for (const line of stderrEvidence(ctx.session)) ctx.note(line);
    return 'failed';
  }
  ctx.note(
    `restart: SIGKILL remote, device_del, DEVICE_DELETED after ${seconds(deleted)}, new remote, device_add: the guest lists ${bdf} ${ctx.pciId} again, ${seconds(performance.now() - started)} in all`,
  );
  return 'ok';
}
