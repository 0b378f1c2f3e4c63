import { describe, expect, it } from 'vitest';
import { exitText, formatBytes, runTone } from './status.ts';

describe('status text', () => {
  it('prefers the signal over the exit code', () => {
    expect(exitText({ exitCode: null, signal: 'SIGKILL' })).toBe('SIGKILL');
    expect(exitText({ exitCode: 1, signal: null })).toBe('exit 1');
    expect(exitText({ exitCode: null, signal: null })).toBe('');
  });

  it('formats bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(254 * 1024 * 1024)).toBe('254 MiB');
  });

  it('marks a degraded run as a warning and a failed one as bad', () => {
    expect(runTone('degraded')).toBe('warn');
    expect(runTone('failed')).toBe('bad');
  });
});
