import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes; undefined then.
 * Rejects only when `signal` aborts.
 */
export async function pollUntil<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  intervalMs = 100,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(intervalMs, left), undefined, { signal });
  }
}
