import { TRPCError } from '@trpc/server';
import { QemuNotFoundError } from '../probe/index.ts';
import { LiveFailed, LiveRefused, QmpRefused, StartRefused, UnknownRun } from '../runs/types.ts';
import { StoreError } from '../store/errors.ts';

const STORE_CODES = {
  'invalid-name': 'BAD_REQUEST',
  'not-found': 'NOT_FOUND',
  exists: 'CONFLICT',
  broken: 'UNPROCESSABLE_CONTENT',
} as const;

/** Turns the refusals of the store, the probe and the launcher into TRPCErrors with their message. */
export function toTRPCError(e: unknown): Error {
  if (e instanceof TRPCError) return e;
  if (e instanceof StoreError)
    return new TRPCError({ code: STORE_CODES[e.kind], message: e.message, cause: e });
  if (e instanceof StartRefused)
    return new TRPCError({ code: 'BAD_REQUEST', message: e.message, cause: e });
  if (e instanceof LiveRefused)
    return new TRPCError({ code: 'PRECONDITION_FAILED', message: e.message, cause: e });
  if (e instanceof LiveFailed)
    return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: e.message, cause: e });
  if (e instanceof UnknownRun)
    return new TRPCError({ code: 'NOT_FOUND', message: e.message, cause: e });
  if (e instanceof QmpRefused) {
    const code = e.kind === 'not-allowed' ? 'BAD_REQUEST' : 'PRECONDITION_FAILED';
    return new TRPCError({ code, message: e.message, cause: e });
  }
  if (e instanceof QemuNotFoundError)
    return new TRPCError({ code: 'PRECONDITION_FAILED', message: e.message, cause: e });
  return e instanceof Error ? e : new Error(String(e));
}

/** Runs `fn`, rethrowing known refusals as TRPCErrors. */
export async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toTRPCError(e);
  }
}

/** Passes a feed through, turning the launcher's refusals into TRPCErrors for the client. */
export async function* mapFeed<T>(feed: () => AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* feed();
  } catch (e) {
    throw toTRPCError(e);
  }
}
