/**
 * The runtime's QMP client, over the socketpair end the orchestrator kept of a process's monitor
 * (the plan's `qmpFd`): greeting, `qmp_capabilities`, commands matched to their replies by id,
 * events, timeouts. QMP is line-delimited JSON, so this is all it takes. There is no socket file
 * to poll and nothing for QEMU to accept, so QEMU 7.2's stray-accept stall of a listening monitor
 * (docs/qemu-facts.md) has nothing to happen to.
 */
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export class QmpError extends Error {
  constructor(
    message: string,
    readonly errorClass: string | null = null,
  ) {
    super(message);
    this.name = 'QmpError';
  }
}

interface QmpEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface QmpClient {
  /** Runs a command; rejects with QmpError on a QMP error reply, a timeout or a closed socket. */
  execute(command: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<unknown>;
  /** Calls `listener` for every asynchronous event until the returned function is called. */
  onEvent(listener: (event: QmpEvent) => void): () => void;
  /**
   * The first `name` event whose data `match`es, or null after `timeoutMs` or once `signal`
   * aborts. Listens from the call on: call it before the command that causes the event.
   */
  nextEvent(
    name: string,
    match: (data: Record<string, unknown>) => boolean,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<QmpEvent | null>;
  readonly closed: boolean;
  close(): void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/**
 * Wraps the monitor end `socket`; resolves after the greeting and `qmp_capabilities`, both
 * within `timeoutMs`. A greeting is not readiness (device setup may still block): callers ask a
 * query next (waitAnswering).
 */
export async function openQmp(socket: Socket, timeoutMs: number): Promise<QmpClient> {
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: QmpEvent) => void>();
  const decoder = new StringDecoder('utf8');
  let nextId = 1;
  let buffered = '';
  let isClosed = socket.destroyed;
  let onGreeting: ((ok: boolean) => void) | null = null;
  const greeting = new Promise<boolean>((resolve) => (onGreeting = resolve));

  const closed = (): void => {
    if (isClosed && pending.size === 0 && onGreeting === null) return;
    isClosed = true;
    onGreeting?.(false);
    onGreeting = null;
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new QmpError('QMP connection closed'));
    }
    pending.clear();
  };
  socket.once('close', closed);
  socket.once('end', closed);
  // Errors surface as 'close'; without a listener an ECONNRESET would crash the process.
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer | string) => {
    buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') dispatch(line);
    }
  });
  if (isClosed) closed();

  function dispatch(line: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if ('QMP' in msg) {
      onGreeting?.(true);
      onGreeting = null;
      return;
    }
    if (typeof msg.event === 'string') {
      const data = typeof msg.data === 'object' && msg.data !== null ? msg.data : {};
      const event = { event: msg.event, data: data as Record<string, unknown> };
      for (const listener of listeners) listener(event);
      return;
    }
    const id = typeof msg.id === 'number' ? msg.id : -1;
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    if ('error' in msg) {
      const err = (msg.error ?? {}) as { class?: string; desc?: string };
      p.reject(new QmpError(err.desc ?? 'QMP error', err.class ?? null));
    } else {
      p.resolve(msg.return);
    }
  }

  function execute(
    command: string,
    args?: Record<string, unknown>,
    commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  ): Promise<unknown> {
    if (isClosed) return Promise.reject(new QmpError('QMP connection closed'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new QmpError(`QMP ${command}: no reply within ${commandTimeoutMs} ms`));
      }, commandTimeoutMs);
      pending.set(id, { resolve, reject, timer });
      socket.write(`${JSON.stringify({ execute: command, arguments: args, id })}\n`);
    });
  }

  function onEvent(listener: (event: QmpEvent) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function nextEvent(
    name: string,
    match: (data: Record<string, unknown>) => boolean,
    ms: number,
    signal?: AbortSignal,
  ): Promise<QmpEvent | null> {
    return new Promise((resolve) => {
      const finish = (event: QmpEvent | null): void => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', aborted);
        resolve(event);
      };
      const aborted = (): void => finish(null);
      const off = onEvent((e) => {
        if (e.event === name && match(e.data)) finish(e);
      });
      const timer = setTimeout(() => finish(null), ms);
      if (signal?.aborted) finish(null);
      else signal?.addEventListener('abort', aborted, { once: true });
    });
  }

  const client: QmpClient = {
    execute,
    onEvent,
    nextEvent,
    get closed() {
      return isClosed;
    },
    close: () => socket.destroy(),
  };

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const greeted = await Promise.race([greeting, timedOut]);
  clearTimeout(timer);
  if (greeted !== true) {
    socket.destroy();
    throw new QmpError(
      greeted === 'timeout'
        ? `no QMP greeting within ${timeoutMs} ms`
        : 'QMP closed before greeting',
    );
  }
  await execute('qmp_capabilities', undefined, timeoutMs);
  return client;
}

/** The query that tells a process is ready: its devices are set up once it answers. */
export function readinessQuery(role: 'main' | 'remote'): string {
  return role === 'main' ? 'query-status' : 'query-pci';
}
