/**
 * Short commands the product runs besides QEMU's long-lived processes: QEMU's `-help` listings for
 * the probe, `qemu-img create`, flock(1) for the data directory's lock. Through the runtime like
 * every spawn, so one file decides how our children are started (argv only, never a shell).
 */
import { spawn } from 'node:child_process';
import { qemuEnv } from './qemu-process.ts';

export interface CommandOptions {
  /** SIGKILL after this long; the result then says `timedOut`. */
  timeoutMs?: number;
  env?: Record<string, string | undefined>;
  /** Descriptors of ours the command gets at fds 3, 4, … */
  inherit?: readonly number[];
  /** Output kept per stream; the rest is dropped (the tail is what explains a failure). */
  keepBytes?: number;
}

export interface CommandResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The command could not be started at all (ENOENT…). */
  spawnError: string | null;
}

/** Runs `argv` to its end and collects its output; never throws. */
export function runCommand(
  argv: readonly string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const keep = options.keepBytes ?? 1024 * 1024;
  return new Promise((resolve) => {
    const [command = '', ...args] = argv;
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe', ...(options.inherit ?? [])],
      env: options.env ?? qemuEnv(),
    });
    const out = { stdout: '', stderr: '' };
    for (const key of ['stdout', 'stderr'] as const) {
      child[key]?.setEncoding('utf8');
      child[key]?.on('data', (chunk: string) => {
        out[key] = (out[key] + chunk).slice(-keep);
      });
    }
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    let spawnError: string | null = null;
    child.once('error', (e) => {
      if (child.pid === undefined) spawnError = e.message;
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...out, timedOut, spawnError });
    });
  });
}
