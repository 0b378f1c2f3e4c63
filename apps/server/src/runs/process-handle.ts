/**
 * One QEMU process of a run: its child, its bounded log, its lifecycle as the UI sees it. The
 * launcher learns of a death only from the child's exit (QEMU raises no event when a remote
 * process dies), so the exit is the source of truth here.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { LogChunk, PlannedProcess, ProcessInfo } from '@mpqemu/shared';
import type { ResultPromise } from 'execa';
import { Topic } from './feed.ts';
import type { QmpClient } from '../qmp/client.ts';
import { FloodFilter } from './log-flood.ts';
import { RingBuffer } from './ring-buffer.ts';

export interface ExitStatus {
  code: number | null;
  signal: string | null;
  /** The child could not be started at all (ENOENT…). */
  spawnError: string | null;
}

export interface LogLimits {
  ringBytes: number;
  /** Cap of the on-disk copy; past it the file gets a note and no more bytes. */
  fileBytes: number;
}

export class ProcessHandle {
  readonly info: ProcessInfo;
  readonly log: RingBuffer;
  readonly logs = new Topic<LogChunk>();
  readonly exited: Promise<ExitStatus>;
  qmp: QmpClient | null = null;
  exit: ExitStatus | null = null;
  /** Being replaced or unplugged on purpose: its exit is expected, not a fault of the run. */
  retired = false;
  private readonly file: WriteStream | null;
  private fileBytes = 0;
  /** Only the main QEMU floods (about its proxies); a remote's output is kept as it is. */
  private readonly flood: FloodFilter | null;
  private readonly fileCap: number;

  constructor(
    readonly plan: PlannedProcess,
    readonly child: ResultPromise,
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
      pid: child.pid ?? null,
      exitCode: null,
      signal: null,
      devices: [...plan.devices],
      error: null,
      startedAt: Date.now(),
      endedAt: null,
      logDropped: 0,
      restarts: 0,
      pciSlot: null,
    };
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => this.append(chunk, decoder));
    }
    this.exited = new Promise<ExitStatus>((resolve) => {
      const done = (status: ExitStatus): void => {
        if (this.exit) return;
        this.exit = status;
        this.info.exitCode = status.code;
        this.info.signal = status.signal;
        this.info.endedAt = Date.now();
        if (this.info.status === 'starting' || this.info.status === 'running') {
          this.info.status = 'exited';
        }
        this.qmp?.close();
        onExit(this);
        resolve(status);
      };
      // 'exit' fires on SIGCHLD, before the pipes drain: that is what makes the 1 s degraded
      // notice possible. A spawn failure emits 'error' and never 'exit'.
      child.once('exit', (code, signal) => done({ code, signal, spawnError: null }));
      child.once('error', (e) => {
        if (child.pid === undefined) done({ code: null, signal: null, spawnError: e.message });
      });
    });
    // execa's own promise settles after the pipes close; wait for it before closing the log file
    // so the last lines (often the reason of a failure) are kept. reject: false, so no rejection.
    void child.then(
      () => this.closeFile(),
      () => this.closeFile(),
    );
  }

  /** Writes out the count of flood lines held back so far (a proxy is back, or the log ends). */
  flushFlood(): void {
    const text = this.flood?.flush() ?? '';
    if (text !== '') this.keep(Buffer.from(text), text);
  }

  get alive(): boolean {
    return this.exit === null && this.info.pid !== null;
  }

  get name(): string {
    return this.plan.name;
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.alive) return;
    try {
      this.child.kill(signal);
    } catch {
      // Already reaped between the check and the call.
    }
  }

  /** "exited with code 1" / "killed by SIGKILL" / "could not be started: …". */
  describeExit(): string {
    const e = this.exit;
    if (!e) return 'is still running';
    if (e.spawnError) return `could not be started: ${e.spawnError}`;
    if (e.signal) return `was killed by ${e.signal}`;
    return `exited with code ${e.code ?? '?'}`;
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
