/**
 * QMP events of the main QEMU (DEVICE_DELETED), kept in order so a check can wait for the one that
 * follows its command. It reads the socket beside the QMP client (qmp/client.ts), whose onEvent
 * delivers the same events as they come but keeps none for a later wait.
 */
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { pollUntil } from './wait.ts';

interface QmpEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface QmpEvents {
  /** Events seen since `from` (an index from `count`). */
  since: (from: number) => QmpEvent[];
  count: () => number;
  /** The first `name` event after `from` whose data matches, or undefined after `timeoutMs`. */
  waitFor: (
    name: string,
    match: (data: Record<string, unknown>) => boolean,
    from: number,
    timeoutMs: number,
    signal?: AbortSignal,
  ) => Promise<QmpEvent | undefined>;
}

/** Attach before openQmp: both listeners see every chunk. */
export function watchQmpEvents(socket: Socket): QmpEvents {
  const events: QmpEvent[] = [];
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  socket.on('data', (chunk: Buffer | string) => {
    buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try {
        const msg = JSON.parse(line) as { event?: unknown; data?: unknown };
        if (typeof msg.event === 'string') {
          events.push({ event: msg.event, data: (msg.data ?? {}) as Record<string, unknown> });
        }
      } catch {
        // Not JSON: not an event either.
      }
    }
  });
  const since = (from: number) => events.slice(from);
  return {
    since,
    count: () => events.length,
    waitFor: (name, match, from, timeoutMs, signal) =>
      pollUntil(
        () => since(from).find((e) => e.event === name && match(e.data)),
        timeoutMs,
        signal,
        20,
      ),
  };
}
