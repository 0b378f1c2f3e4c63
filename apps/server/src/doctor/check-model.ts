/**
 * One doctor check: `model` proxied in a remote process on `machine`, booted with the test guest,
 * then hot-plugged, unplugged and restarted on the running guest. Bounded by `timeoutMs` as a
 * whole (nvme hangs the guest at boot on 7.2); every process is SIGKILLed and reaped at the end.
 */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deviceModel,
  type Capabilities,
  type CheckOutcome,
  type DoctorResult,
} from '@mpqemu/shared';
import type { DoctorGuest } from './guest.ts';
import { BOOT_PCI_LINE, parsePci } from './guest-console.ts';
import { checkIo, DISK_MARKER } from './io-check.ts';
import { checkHotplug, checkRestart, type LiveContext } from './live-checks.ts';
import {
  connectSession,
  endSession,
  startSession,
  stderrEvidence,
  type Session,
} from './session.ts';
import { doctorTopology, planDoctor } from './topology.ts';
import { pollUntil } from './wait.ts';

export interface CheckOptions {
  caps: Capabilities;
  guest: DoctorGuest;
  kvmUsable: boolean;
  /** Bound of the whole check, boot included. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The cold-plugged device's slot; the guest lists it at 0000:00:05.0 on pc and q35 alike. */
const COLD_SLOT = 5;
const COLD_BDF = '0000:00:05.0';

interface Outcome {
  enumerated: boolean;
  pciId: string | null;
  hotplug: CheckOutcome;
  restart: CheckOutcome;
  io: CheckOutcome;
}

async function makeDisk(path: string): Promise<void> {
  await writeFile(path, DISK_MARKER, { mode: 0o600 });
  await truncate(path, 1024 * 1024);
}

async function measure(
  model: string,
  machine: 'pc' | 'q35',
  options: CheckOptions,
  runDir: string,
  note: (line: string) => void,
  left: () => number,
  hold: (session: Session) => void,
): Promise<Outcome> {
  const out: Outcome = {
    enumerated: false,
    pciId: null,
    hotplug: 'skipped',
    restart: 'skipped',
    io: 'skipped',
  };
  const accel = options.kvmUsable ? 'kvm' : 'tcg';
  const cold = {
    processId: 'rp0',
    deviceId: 'dut0',
    disk: join(runDir, 'dut0.img'),
    slot: COLD_SLOT,
  };
  const hot = { processId: 'rp1', deviceId: 'hot0', disk: join(runDir, 'hot0.img') };
  await Promise.all([makeDisk(cold.disk), makeDisk(hot.disk)]);
  const coldPlan = planDoctor(
    doctorTopology(model, machine, accel, options.guest, cold),
    options.caps,
    runDir,
  );
  const hotPlan = planDoctor(
    doctorTopology(model, machine, accel, options.guest, hot),
    options.caps,
    runDir,
  );
  if ('errors' in coldPlan || 'errors' in hotPlan) {
    for (const e of 'errors' in coldPlan ? coldPlan.errors : []) note(`plan: ${e}`);
    for (const e of 'errors' in hotPlan ? hotPlan.errors : []) note(`plan: ${e}`);
    return out;
  }
  const rootPort = machine === 'q35' ? ['-device', 'pcie-root-port,id=hp1,chassis=1,slot=1'] : [];
  const session = startSession(coldPlan.remote, coldPlan.main, rootPort);
  hold(session);
  const started = performance.now();
  await connectSession(session, Math.min(15_000, left()));
  const console = session.console;

  const booted = await pollUntil(
    () =>
      /^mpqemu-guest: pci-done$/m.test(console.since(0))
        ? 'done'
        : session.main.proc.alive
          ? undefined
          : 'exited',
    left(),
    options.signal,
    50,
  );
  if (booted !== 'done') {
    note(
      booted === 'exited'
        ? `boot: failed: the main QEMU exited before the guest listed its PCI devices`
        : `boot: timeout: the guest did not list its PCI devices within ${Math.round(performance.now() - started)} ms`,
    );
    for (const line of stderrEvidence(session)) note(line);
    for (const line of console.tail(2).filter((l) => l.trim() !== ''))
      note(`guest console: ${line}`);
    note('hot-plug, restart, io: skipped: the guest did not boot');
    return out;
  }
  const listing = parsePci(console.since(0), BOOT_PCI_LINE);
  const id = listing.get(COLD_BDF);
  note(
    `boot: the guest listed its PCI devices ${((performance.now() - started) / 1000).toFixed(2)} s after start (${accel})`,
  );
  for (const line of stderrEvidence(session)) note(line);
  if (id === undefined || id === 'ffff:ffff') {
    note(`guest: failed: nothing readable at ${COLD_BDF}${id ? ` (reads ${id})` : ''}`);
    note('hot-plug, restart, io: skipped: not enumerated at boot');
    return out;
  }
  note(`guest: mpqemu-guest: pci ${COLD_BDF} ${id}`);
  const expected = deviceModel(model)?.pciId;
  if (expected !== undefined && expected !== id) note(`guest: the catalogue expects ${expected}`);
  out.enumerated = true;
  out.pciId = id;

  out.io = await checkIo(
    model,
    options.kvmUsable,
    console,
    note,
    Math.min(20_000, left()),
    options.signal,
  );
  const before = await console.listPci(Math.min(10_000, left()), options.signal);
  if (!before) {
    note('hot-plug, restart: failed: the guest shell did not answer');
    out.hotplug = out.restart = 'failed';
    return out;
  }
  const ctx: LiveContext = {
    session,
    machine,
    remote: hotPlan.remote,
    pciId: id,
    note,
    left,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  out.hotplug = await checkHotplug(ctx, before);
  if (out.hotplug === 'ok') out.restart = await checkRestart(ctx, before);
  // A failed unplug leaves the proxy plugged: a restart would only meet "Duplicate device ID".
  else note('restart: skipped: hot-plug/unplug did not complete');
  return out;
}

/** Runs the check and always returns a result; only an abort (signal) throws. */
export async function checkModel(
  model: string,
  machine: 'pc' | 'q35',
  options: CheckOptions,
): Promise<DoctorResult> {
  const started = performance.now();
  const deadline = Date.now() + options.timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  const evidence: string[] = [];
  const note = (line: string) => evidence.push(line.slice(0, 4000));
  const runDir = await mkdtemp(join(tmpdir(), 'mpqemu-doctor-'));
  let session: Session | undefined;
  let out: Outcome = {
    enumerated: false,
    pciId: null,
    hotplug: 'failed',
    restart: 'failed',
    io: 'skipped',
  };
  try {
    out = await measure(model, machine, options, runDir, note, left, (s) => (session = s));
  } catch (e) {
    options.signal?.throwIfAborted();
    note(`error: ${(e as Error).message}`);
    if (session) for (const line of stderrEvidence(session)) note(line);
  } finally {
    if (session) {
      const stuck = await endSession(session);
      note(
        stuck.length === 0
          ? `cleanup: all ${session.processes.length} QEMU processes ended`
          : `cleanup: failed: still running after SIGKILL: ${stuck.join(', ')}`,
      );
    }
    await rm(runDir, { recursive: true, force: true });
  }
  return { model, machine, ...out, evidence, ms: Math.round(performance.now() - started) };
}
