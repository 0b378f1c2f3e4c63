import type { ProcessInfo, ProcessStatus, RunStatus } from '@mpqemu/shared';

/** Tone of a state, mapped to a colour in run-panel.css (`run-tone--ok` …). */
export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'off';

const RUN_TONES: Record<RunStatus, Tone> = {
  starting: 'busy',
  running: 'ok',
  degraded: 'warn',
  stopping: 'busy',
  stopped: 'off',
  failed: 'bad',
};

const PROCESS_TONES: Record<ProcessStatus, Tone> = {
  starting: 'busy',
  running: 'ok',
  hung: 'bad',
  restarting: 'busy',
  exited: 'off',
  failed: 'bad',
};

export function runTone(status: RunStatus): Tone {
  return RUN_TONES[status];
}

export function processTone(status: ProcessStatus): Tone {
  return PROCESS_TONES[status];
}

/** "exit 0", "SIGKILL", or "" while it runs. */
export function exitText(p: Pick<ProcessInfo, 'exitCode' | 'signal'>): string {
  if (p.signal !== null) return p.signal;
  if (p.exitCode !== null) return `exit ${p.exitCode}`;
  return '';
}

/** Bytes in the unit a person reads: 512 B, 12.3 KiB, 254 MiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** Clock time of a timestamp, to the second. */
export function formatTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour12: false });
}
