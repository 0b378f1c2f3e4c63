/**
 * The exported launcher's body, bundled (scripts/build-server.mjs → dist/launcher.mjs) with the
 * runtime and prefixed with its plan: one script that runs a topology the way the server does,
 * with Node.js and QEMU alone. It opens every file once with the server's identity checks and
 * passes descriptors, restarts device processes under the same policy table, puts the serial
 * console on the terminal and cleans up on Ctrl-C or when the VM ends.
 */
import { realpathSync } from 'node:fs';
import type { Socket } from 'node:net';
import { resolve } from 'node:path';
import { viewerCommand, type Confinement } from '@mpqemu/shared';
import { openHostFile } from '../images/open-file.ts';
import { findExecutable } from '../probe/binary.ts';
import { messageOf } from '../runtime/errors.ts';
import { launchOnSpare, launchPlan, type SpareEnd } from '../runtime/launch.ts';
import {
  replace,
  requireMainQmp,
  waitAnswering,
  type LiveTarget,
  type Member,
} from '../runtime/live.ts';
import type { QemuProcess } from '../runtime/qemu-process.ts';
import {
  DEFAULT_LIVENESS_INTERVAL_MS,
  describeSilence,
  watchLiveness,
} from '../runtime/liveness.ts';
import { causeOf, describeDelay, RestartBook } from '../runtime/restart-policy.ts';
import { terminate } from '../runtime/terminate.ts';
import type { EmbeddedPlan } from './embedded-plan.ts';
import { privateScreen } from './screen-dir.ts';

declare const PLAN: EmbeddedPlan;

const GRACE_MS = 3000;

function log(message: string): void {
  process.stderr.write(`[mpqemu] ${message}\n`);
}

function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** The roots and forbidden folders as they resolve now, not as they did at export. */
function confinement(embedded: EmbeddedPlan): Confinement {
  const forbidden = embedded.forbidden.map(realOr);
  return {
    roots: embedded.imageRoots.map((path) => ({ path, real: realOr(path), kind: 'configured' })),
    dataDir: forbidden[0] ?? '/nonexistent/mpqemu-data',
    libraryDir: '/nonexistent/mpqemu-library',
  };
}

/** Opens every file of the plan once; exits 1 naming the file on any refusal, before any spawn. */
async function openFiles(embedded: EmbeddedPlan): Promise<Map<string, number>> {
  const wanted = new Map<string, { path: string; write: boolean }>();
  for (const p of embedded.plan.processes) {
    for (const f of Object.values(p.files ?? {})) wanted.set(`${f.write ? 'w' : 'r'}:${f.path}`, f);
  }
  const rules = confinement(embedded);
  const opened = new Map<string, number>();
  for (const [key, f] of wanted) {
    const result = await openHostFile(f.path, f.write, rules);
    if (!result.ok) {
      log(`not started: ${result.refusal.message}`);
      process.exit(1);
    }
    opened.set(key, result.file.fd);
  }
  return opened;
}

class Launcher {
  private readonly members = new Map<string, Member>();
  private readonly book = new RestartBook();
  private readonly abort = new AbortController();
  private spares: SpareEnd[] = [];
  private running = false;
  private exitCode = 0;
  private ending: Promise<void> | null = null;
  private readonly target: LiveTarget;

  constructor(
    private readonly embedded: EmbeddedPlan,
    private readonly files: Map<string, number>,
  ) {
    this.target = {
      stopping: this.abort.signal,
      timeouts: {
        unplugMs: embedded.unplugTimeoutMs,
        readyMs: embedded.readyTimeoutMs,
        killGraceMs: GRACE_MS,
      },
      proxyChannel: embedded.plan.proxyChannel,
      mainQmp: () => {
        const main = this.members.get('main');
        return requireMainQmp(main?.qmp, main?.proc.alive ?? false);
      },
      spawnOnSpare: (plan) => {
        const spare = this.spares.shift();
        if (!spare) throw new Error('no spare channel is left');
        const proc = launchOnSpare(plan, spare, this.options());
        return { member: this.adopt(plan.name, proc), fd: spare.fd };
      },
      step: (text) => {
        log(text);
        return { done: (t) => t && log(t), failed: (t) => log(t ?? `failed: ${text}`) };
      },
    };
  }

  private options() {
    return {
      fileFd: (path: string, write: boolean) => this.files.get(`${write ? 'w' : 'r'}:${path}`),
    };
  }

  private planOf(name: string) {
    const p = this.embedded.plan.processes.find((x) => x.name === name);
    if (!p) throw new Error(`no process ${name} in the plan`);
    return p;
  }

  private adopt(name: string, proc: QemuProcess): Member {
    const member: Member = { name, plan: this.planOf(name), proc, qmp: null, retired: false };
    this.members.set(name, member);
    for (const stream of [proc.stdout, proc.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n'))
          if (line !== '') process.stderr.write(`[${name}] ${line}\n`);
      });
    }
    void proc.exited.then(() => this.exited(member));
    return member;
  }

  async start(): Promise<void> {
    const launched = launchPlan(this.embedded.plan, this.options());
    this.spares = launched.spares;
    for (const [name, proc] of launched.processes) this.adopt(name, proc);
    const main = this.planOf('main');
    const serial =
      main.serialFd === null ? undefined : launched.processes.get('main')?.ends.get(main.serialFd);
    if (serial) this.attachConsole(serial);
    try {
      await Promise.all(
        [...this.members.values()].map(async (m) => {
          await waitAnswering(m, this.embedded.readyTimeoutMs, this.abort.signal);
          log(`${m.name} ready (pid ${m.proc.pid ?? '?'})`);
          if (m.plan.role === 'remote') this.watch(m);
        }),
      );
    } catch (e) {
      if (!this.abort.signal.aborted) {
        log(`not ready: ${messageOf(e)}`);
        void this.stop(1);
      }
      return;
    }
    this.running = true;
    log('running');
    if (main.vnc !== null) {
      log(`screen: VNC on ${main.vnc}; view it with: ${viewerCommand(main.vnc)}`);
    }
  }

  private attachConsole(serial: Socket): void {
    serial.on('data', (chunk: Buffer) => process.stdout.write(chunk));
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      log('serial console attached; Ctrl-C stops the VM');
    }
    process.stdin.on('data', (chunk: Buffer) => {
      // In raw mode the terminal sends Ctrl-C as a byte instead of a signal.
      if (process.stdin.isTTY && chunk.includes(3)) {
        void this.stop(0);
        return;
      }
      if (!serial.destroyed) serial.write(chunk);
    });
    process.stdin.on('error', () => undefined);
    process.stdin.resume();
  }

  private exited(member: Member): void {
    if (this.members.get(member.name) !== member || member.retired || this.ending) return;
    const how =
      member.hungMs === undefined ? member.proc.describeExit() : 'was hung and killed by SIGKILL';
    if (member.plan.role === 'main') {
      const clean = member.proc.exit?.code === 0 && member.proc.exit.signal === null;
      log(clean ? 'the main QEMU exited (guest powered off)' : `main ${how}`);
      void this.stop(clean ? 0 : 1);
      return;
    }
    if (!this.running) {
      log(`${member.name} ${how} during start`);
      void this.stop(1);
      return;
    }
    this.remoteDied(member, how);
  }

  /** A hung device process is killed and goes to the policy, exactly as in the server. */
  private watch(member: Member): void {
    watchLiveness(member, DEFAULT_LIVENESS_INTERVAL_MS, this.abort.signal, (silentMs) =>
      log(`${member.name} hung: no answer for ${describeSilence(silentMs)}; killing it (SIGKILL)`),
    );
  }

  /** The runtime's policy table decides, exactly as in the server. */
  private remoteDied(member: Member, how: string): void {
    const exit = member.proc.exit;
    if (!exit) return;
    const cause = causeOf(exit, member.hungMs !== undefined);
    const decision = this.book.decide(member.name, cause, member.plan.restart, this.spares.length);
    if (decision === null) return;
    const devices = member.plan.devices.join(', ');
    if (!decision.restart) {
      this.exitCode = 1;
      log(
        `${member.name} ${how}; not restarted: ${decision.reason}; the VM keeps running without ${devices} (Ctrl-C stops it)`,
      );
      return;
    }
    log(`${member.name} ${how}; restarting ${describeDelay(decision.delayMs)} (restart policy)`);
    const slot = this.embedded.plan.pciSlots[member.plan.devices[0] ?? ''] ?? null;
    this.book.schedule(member.name, decision.delayMs, this.abort.signal, async () => {
      try {
        const next = await replace(this.target, member, slot);
        this.watch(next);
        log(
          `${member.name} restarted (pid ${next.proc.pid ?? '?'}); ${devices} is back in the guest`,
        );
      } catch (e) {
        if (this.ending) return;
        this.exitCode = 1;
        log(`${member.name}: restart failed: ${messageOf(e)}; the VM keeps running without it`);
      }
    });
  }

  /** QMP quit for the main QEMU (its remotes follow it), then signals, each bounded. */
  stop(code: number): Promise<void> {
    this.exitCode = Math.max(this.exitCode, code);
    this.ending ??= (async () => {
      log('stopping');
      this.abort.abort();
      for (const s of this.spares.splice(0)) s.end.destroy();
      const main = this.members.get('main');
      const all = [...this.members.values()].map((m) => m.proc);
      if (main?.proc.alive && main.qmp && !main.qmp.closed) {
        await main.qmp.execute('quit', undefined, GRACE_MS).catch(() => undefined);
      } else main?.proc.kill('SIGTERM');
      await terminate(all, GRACE_MS, GRACE_MS);
      for (const m of this.members.values()) for (const end of m.proc.ends.values()) end.destroy();
      if (process.stdin.isTTY) process.stdin.setRawMode(false);
      process.stdin.pause();
      log(this.exitCode === 0 ? 'stopped' : 'failed');
      process.exit(this.exitCode);
    })();
    return this.ending;
  }
}

async function run(): Promise<void> {
  if (Number(process.versions.node.split('.')[0]) < 20) {
    log('Node.js 20 or newer is required');
    process.exit(2);
  }
  const embedded = PLAN;
  const qemu = process.env.MPQEMU_QEMU;
  if (qemu) {
    for (const p of embedded.plan.processes) p.argv[0] = qemu;
  }
  // Each process starts inside the jail the exporting host planned: its tools must be here too.
  const tools = new Set(embedded.plan.processes.map((p) => p.jail.wrapper[0] ?? ''));
  for (const tool of tools) {
    if (tool !== '' && (await findExecutable(tool)) === null) {
      log(
        `${tool} not found: it confines the QEMU processes; install it (apt-get install bubblewrap util-linux)`,
      );
      process.exit(2);
    }
  }
  log(`starting ${embedded.title} (${embedded.plan.processes.length} QEMU processes)`);
  const files = await openFiles(embedded);
  const screen = privateScreen(embedded.plan);
  if (screen) process.on('exit', () => screen.remove());
  const launcher = new Launcher(embedded, files);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void launcher.stop(0));
  }
  await launcher.start();
}

void run();
