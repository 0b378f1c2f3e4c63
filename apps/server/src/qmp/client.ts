/**
 * A minimal QMP client over a unix socket: greeting, `qmp_capabilities`, commands matched to
 * their replies by id. QMP is line-delimited JSON, so this is all it takes.
 */
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

export class QmpError extends Error {
  constructor(
    message: string,
    readonly errorClass: string | null = null,
  ) {
    super(message);
    this.name = 'QmpError';
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
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
  close(): void;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/** Wraps an already-connected socket; resolves after the greeting and `qmp_capabilities`. */
export async function openQmp(socket: Socket, timeoutMs: number): Promise<QmpClient> {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let buffered = '';
  let isClosed = false;
  let onGreeting: ((ok: boolean) => void) | null = null;
  const listeners = new Set<(event: QmpEvent) => void>();
  const greeting = new Promise<boolean>((resolve) => (onGreeting = resolve));

  socket.once('close', () => {
    isClosed = true;
    onGreeting?.(false);
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new QmpError('QMP connection closed'));
    }
    pending.clear();
  });
  // Errors surface as 'close'; without a listener an ECONNRESET would crash the server.
  socket.on('error', () => undefined);
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') dispatch(line);
    }
  });

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
    // A process's exit is the truth about its life; events serve live changes (DEVICE_DELETED).
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

  const client: QmpClient = {
    execute,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
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

/**
 * How often a socket QEMU has not created yet is looked for again. QEMU creates it early in its
 * start-up; a 20 ms poll cost each launch up to 20 ms of waiting, a look costs a stat.
 */
const CONNECT_POLL_MS = 5;

/** Why `signal` aborted, as an Error (AbortSignal.reason is typed `any`). */
function reasonOf(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}

/**
 * Connects to a unix socket, retrying while it does not exist yet or refuses. This polls every few
 * ms for each process of every launch, so the whole wait has one abort listener and plain timers
 * (an abortable sleep per attempt added and removed a listener each time).
 */
export function connectUnix(path: string, deadline: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      return true;
    };
    function aborted(): void {
      if (settle()) reject(reasonOf(signal));
    }
    const retry = (e?: NodeJS.ErrnoException): void => {
      if (Date.now() >= deadline) {
        const why = e ?? new Error(`${path} does not exist`);
        if (settle()) reject(new Error(`${path} did not appear in time`, { cause: why }));
      } else {
        timer = setTimeout(attempt, CONNECT_POLL_MS);
      }
    };
    const attempt = (): void => {
      // A failed connect() costs ~130 µs of CPU (a socket, an error, its stack); a stat ~10 µs.
      // While QEMU starts, the socket is missing for ~20 polls per process.
      if (!existsSync(path)) {
        retry();
        return;
      }
      const socket = connect(path);
      const failed = (e: NodeJS.ErrnoException): void => {
        socket.destroy();
        if (settled) return;
        if (e.code !== 'ENOENT' && e.code !== 'ECONNREFUSED') {
          if (settle()) reject(e);
        } else retry(e);
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.removeListener('error', failed);
        if (settle()) resolve(socket);
        else socket.destroy();
      });
    };
    if (signal?.aborted) {
      reject(reasonOf(signal));
      return;
    }
    signal?.addEventListener('abort', aborted, { once: true });
    attempt();
  });
}

/**
 * How long a QMP handshake may stall before the listener is nudged. QEMU (7.2 at least; seen about
 * once in 500 launches) can accept a client in its monitor I/O thread while its main thread,
 * which polled the same listening socket, goes on to a blocking accept() of its own: that main
 * thread then sleeps for good holding the global lock, so the greeting comes but no command is
 * ever answered, and a main QEMU proxying to that process hangs with it. A second connection
 * completes the stray accept(); QEMU drops it (the chardev is taken) and the handshake resumes.
 * A nudge that finds nothing to wake waits in the backlog and is dropped the same way later.
 */
const NUDGE_EVERY_MS = 1000;

function nudge(path: string): void {
  const socket = connect(path);
  socket.on('error', () => undefined);
  socket.on('connect', () => socket.destroy());
}

/** Runs `handshake`, nudging the listener at `path` while it is pending (see NUDGE_EVERY_MS). */
export async function nudgingWhile<T>(path: string, handshake: Promise<T>): Promise<T> {
  const timer = setInterval(() => nudge(path), NUDGE_EVERY_MS);
  try {
    return await handshake;
  } finally {
    clearInterval(timer);
  }
}

/** Connects, greets and negotiates within `timeoutMs`. */
export async function connectQmp(
  path: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<QmpClient> {
  const deadline = Date.now() + timeoutMs;
  const socket = await connectUnix(path, deadline, signal);
  return nudgingWhile(path, openQmp(socket, Math.max(1, deadline - Date.now())));
}
