/**
 * One QEMU process of a run: its child, its bounded log, its lifecycle as the UI sees it. The
 * launcher learns of a death only from the child's exit (QEMU raises no event when a remote
 * process dies), so the exit is the source of truth here.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { LogChunk, PlannedProcess, ProcessInfo } from '@mpqemu/shared';
import type { Member } from '../runtime/live.ts';
import { describeSilence } from '../runtime/liveness.ts';
import type { QmpClient } from '../runtime/qmp.ts';
import type { ExitStatus, QemuProcess } from '../runtime/qemu-process.ts';
import { Topic } from './feed.ts';
import { observeJail } from './observe-jail.ts';
import { FloodFilter } from './log-flood.ts';
import { RingBuffer } from './ring-buffer.ts';

export interface LogLimits {
  ringBytes: number;
  /** Cap of the on-disk copy; past it the file gets a note and no more bytes. */
  fileBytes: number;
}

export class ProcessHandle implements Member {
  readonly info: ProcessInfo;
  readonly log: RingBuffer;
  readonly logs = new Topic<LogChunk>();
  readonly exited: Promise<ExitStatus>;
  qmp: QmpClient | null = null;
  /** Being replaced or unplugged on purpose: its exit is expected, not a fault of the run. */
  retired = false;
  /** Set when the liveness watch found it hung (how long it was silent); it is then killed. */
  hungMs?: number;
  private readonly file: WriteStream | null;
  private fileBytes = 0;
  /** Only the main QEMU floods (about its proxies); a remote's output is kept as it is. */
  private readonly flood: FloodFilter | null;
  private readonly fileCap: number;

  constructor(
    readonly plan: PlannedProcess,
    readonly proc: QemuProcess,
    limits: LogLimits,
    logPath: string | null,
    onExit: (handle: ProcessHandle) => void,
  ) {
    this.log = new RingBuffer(limits.ringBytes);
    this.flood = plan.role === 'main' ? new FloodFilter() : null;
    this.fileCap = limits.fileBytes;
    this.file = logPath ? createWriteStream(logPath, { flags: 'a', mode: 0o600 }) : null;
    this.file?.on('error', () => undefined);
    this.info = {
      name: plan.name,
      role: plan.role,
      status: 'starting',
      pid: proc.pid,
      exitCode: null,
      signal: null,
      devices: [...plan.devices],
      error: null,
      startedAt: Date.now(),
      endedAt: null,
      logDropped: 0,
      restarts: 0,
      pciSlot: null,
      jail: {
        confined: plan.jail.confined,
        unconfinedBecause: plan.jail.unconfinedBecause,
        networkBecause: plan.jail.networkBecause,
        observed: null,
      },
      policyRestarts: [],
      restartBy: null,
      notRestarted: null,
    };
    for (const stream of [proc.stdout, proc.stderr]) {
      const decoder = new StringDecoder('utf8');
      stream?.on('data', (chunk: Buffer) => this.append(chunk, decoder));
    }
    this.exited = proc.exited.then((status) => {
      this.info.exitCode = status.code;
      this.info.signal = status.signal;
      this.info.endedAt = Date.now();
      const live = ['starting', 'running', 'hung', 'restarting'];
      if (live.includes(this.info.status)) {
        this.info.status = 'exited';
      }
      this.qmp?.close();
      onExit(this);
      return status;
    });
    // The log file is closed once the output is drained, so the last lines (often the reason of
    // a failure) are kept.
    void proc.drained.then(() => this.closeFile());
  }

  /** Writes out the count of flood lines held back so far (a proxy is back, or the log ends). */
  flushFlood(): void {
    const text = this.flood?.flush() ?? '';
    if (text !== '') this.keep(Buffer.from(text), text);
  }

  /**
   * Once it answers: its pid becomes QEMU's own (in a jail, not bubblewrap's), so that what
   * people signal or trace by that pid is QEMU, and its jail is read back from /proc.
   */
  async observe(): Promise<void> {
    const pid = this.proc.qemuPid();
    if (pid === null) return;
    this.info.pid = pid;
    this.info.jail.observed = await observeJail(pid);
  }

  get exit(): ExitStatus | null {
    return this.proc.exit;
  }

  get alive(): boolean {
    return this.proc.alive;
  }

  get name(): string {
    return this.plan.name;
  }

  kill(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }

  /**
   * "exited with code 1" / "was killed by SIGKILL" / "could not be started: …"; for a process the
   * liveness watch killed, "hung (no answer for 2.0 s) and was killed by SIGKILL".
   */
  describeExit(): string {
    const how = this.proc.describeExit();
    return this.hungMs === undefined
      ? how
      : `hung (no answer for ${describeSilence(this.hungMs)}) and ${how}`;
  }

  private append(chunk: Buffer, decoder: StringDecoder): void {
    if (!this.flood) {
      this.keep(chunk, decoder.write(chunk));
      return;
    }
    const text = this.flood.push(decoder.write(chunk));
    if (text !== '') this.keep(Buffer.from(text), text);
  }

  private keep(chunk: Buffer, text: string): void {
    this.log.push(chunk);
    this.info.logDropped = this.log.dropped;
    if (text !== '') this.logs.emit({ process: this.name, text, dropped: this.log.dropped });
    if (!this.file) return;
    if (this.fileBytes < this.fileCap) {
      this.file.write(chunk);
      this.fileBytes += chunk.length;
      if (this.fileBytes >= this.fileCap) this.file.write('\n[mpqemu: log file limit reached]\n');
    }
  }

  private closeFile(): void {
    this.flushFlood();
    this.file?.end();
    this.logs.close();
  }
}
