/** Below the server's bound on one consoleInput call (64 KiB), so a big paste goes in pieces. */
export const MAX_INPUT_CHUNK = 16 * 1024;

/**
 * Sends keystrokes one request at a time, joining what was typed meanwhile. Separate concurrent
 * requests may reach the server out of order (several connections), which would scramble typing.
 */
export function createInputQueue(
  send: (data: string) => Promise<unknown>,
  onError?: (e: unknown) => void,
) {
  let pending = '';
  let busy = false;
  const flush = async (): Promise<void> => {
    busy = true;
    while (pending !== '') {
      const data = pending.slice(0, MAX_INPUT_CHUNK);
      pending = pending.slice(data.length);
      try {
        await send(data);
      } catch (e) {
        onError?.(e);
      }
    }
    busy = false;
  };
  return {
    push(data: string): void {
      pending += data;
      if (!busy) void flush();
    },
  };
}
