/**
 * Fan-out of live values to async-iterable subscribers (the tRPC subscriptions). Each subscriber
 * has its own bounded queue, so a slow client cannot grow the server's memory without limit, and
 * every listener is removed when the consumer stops or its signal aborts.
 */
export interface Subscriber<T> {
  push(value: T): void;
  end(): void;
}

export class Topic<T> {
  private readonly subscribers = new Set<Subscriber<T>>();
  private ended = false;

  emit(value: T): void {
    for (const s of this.subscribers) s.push(value);
  }

  /** Ends every subscription; later subscribers get only their initial values. */
  close(): void {
    this.ended = true;
    for (const s of this.subscribers) s.end();
    this.subscribers.clear();
  }

  get isClosed(): boolean {
    return this.ended;
  }

  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Yields `initial()` (evaluated when iteration starts, so the backlog and the live stream
   * neither overlap nor leave a gap), then every emitted value until close() or abort.
   */
  subscribe(
    signal: AbortSignal,
    initial: () => T[] = () => [],
    maxQueued = 1024,
  ): AsyncIterable<T> {
    return subscription(this, signal, initial, maxQueued);
  }

  /** @internal */
  attach(subscriber: Subscriber<T>): () => void {
    if (this.ended) {
      subscriber.end();
      return () => undefined;
    }
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }
}

async function* subscription<T>(
  topic: Topic<T>,
  signal: AbortSignal,
  initial: () => T[],
  maxQueued: number,
): AsyncGenerator<T> {
  if (signal.aborted) return;
  const queue: T[] = initial();
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const detach = topic.attach({
    push(value) {
      queue.push(value);
      // Oldest first out: for snapshots the newest is what matters; logs keep their own backlog.
      if (queue.length > maxQueued) queue.shift();
      notify();
    },
    end() {
      ended = true;
      notify();
    },
  });
  signal.addEventListener('abort', notify);
  try {
    for (;;) {
      while (queue.length > 0) {
        // `ended` and the signal change in callbacks while this loop awaits, which TypeScript's
        // narrowing cannot see.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (signal.aborted) return;
        yield queue.shift() as T;
      }
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (ended || signal.aborted) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    detach();
    signal.removeEventListener('abort', notify);
  }
}
