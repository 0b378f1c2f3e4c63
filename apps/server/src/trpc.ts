/**
 * tRPC init and the procedures every router builds on. The services' refusals become TRPCErrors
 * in one middleware of the base procedure (table: refusals.ts), feeds included. Errors carry
 * machine-readable details next to the message: the field errors of a broken document or bad
 * input, and the validator's problems when a start is refused, so the UI can put each one on the
 * right node or field.
 */
import { formatPath, type FieldError, type Problem } from '@mpqemu/shared';
import { initTRPC, StandardSchemaV1Error, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Context } from './context.ts';
import { refusalOf } from './refusals.ts';
import { StartRefused } from './runs/types.ts';
import { StoreError } from './store/errors.ts';

export interface ErrorDetails {
  fieldErrors: FieldError[];
  problems: Problem[];
}

function issuePath(path: readonly unknown[] | undefined): string {
  const keys = (path ?? []).map((p) =>
    typeof p === 'object' && p !== null && 'key' in p ? (p as { key: PropertyKey }).key : p,
  ) as PropertyKey[];
  return formatPath(keys);
}

function detailsOf(cause: unknown): ErrorDetails | null {
  if (cause instanceof StartRefused) return { fieldErrors: [], problems: cause.problems };
  if (cause instanceof StoreError && cause.fieldErrors.length > 0)
    return { fieldErrors: cause.fieldErrors, problems: [] };
  // Input validation: zod's own error (tRPC calls zod directly) or the Standard Schema one.
  if (cause instanceof StandardSchemaV1Error || cause instanceof ZodError) {
    const issues = cause.issues as readonly { path?: readonly unknown[]; message: string }[];
    return {
      fieldErrors: issues.map((i) => ({ path: issuePath(i.path), message: i.message })),
      problems: [],
    };
  }
  return null;
}

/** zod's message is its issues as JSON; people get `name: starts with a letter…` instead. */
function messageOf(message: string, cause: unknown, details: ErrorDetails | null): string {
  if (!(cause instanceof StandardSchemaV1Error || cause instanceof ZodError) || !details)
    return message;
  const lines = details.fieldErrors.map((f) => (f.path ? `${f.path}: ${f.message}` : f.message));
  return `Invalid input: ${lines.slice(0, 10).join('; ')}${lines.length > 10 ? ` (and ${lines.length - 10} more)` : ''}`;
}

/**
 * The body of a 400 for bad input, shaped like tRPC's own error responses (message, code and
 * data with the field errors), for a check made before tRPC answers (http/feed-input.ts).
 */
export function badInputBody(path: string, cause: ZodError): object {
  const details = detailsOf(cause);
  return {
    error: {
      message: messageOf('Invalid input', cause, details),
      code: -32600,
      data: { code: 'BAD_REQUEST', httpStatus: 400, path, details },
    },
  };
}

/** What a procedure declares about itself, readable without calling it. */
interface ProcedureMeta {
  /** A live feed (subscription): an open response per client, which the HTTP layer caps. */
  feed?: boolean;
}

const t = initTRPC
  .meta<ProcedureMeta>()
  .context<Context>()
  .create({
    errorFormatter({ shape, error }) {
      // No stack traces to the browser: file paths of the server are none of its business.
      const { stack: _stack, ...data } = shape.data;
      const details = detailsOf(error.cause);
      return {
        ...shape,
        message: messageOf(shape.message, error.cause, details),
        data: { ...data, details },
      };
    },
    sse: {
      // Comments every 10 s keep idle feeds (a quiet console) from being cut by the client's timer.
      ping: { enabled: true, intervalMs: 10_000 },
      client: { reconnectAfterInactivityMs: 30_000 },
    },
  });

/** A refusal of a service as its TRPCError; anything else as it is (tRPC calls it a fault). */
function mapped(e: unknown): unknown {
  const refusal = refusalOf(e);
  return refusal ? new TRPCError({ ...refusal, cause: e }) : e;
}

/** A feed whose refusals, at its first value or later, reach the client as TRPCErrors. */
async function* mappedFeed(feed: AsyncIterable<unknown>): AsyncGenerator {
  try {
    yield* feed;
  } catch (e) {
    throw mapped(e);
  }
}

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  typeof v === 'object' && v !== null && Symbol.asyncIterator in v;

const mapRefusals = t.middleware(async ({ next, type, meta, path }) => {
  // The HTTP layer counts feeds by their meta: a subscription without it would escape the cap.
  if ((type === 'subscription') !== (meta?.feed === true))
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: `${path}: subscriptions, and only they, are built on feedProcedure`,
    });
  const result = await next();
  if (!result.ok) {
    // tRPC wraps whatever a resolver throws in an INTERNAL_SERVER_ERROR with it as the cause;
    // other codes (bad input) were chosen on purpose and stay.
    if (result.error.code !== 'INTERNAL_SERVER_ERROR') return result;
    const error = mapped(result.error.cause);
    return error instanceof TRPCError ? { ...result, error } : result;
  }
  // A feed runs while the client reads it, after this returned: its refusals are mapped there.
  if (type === 'subscription' && isAsyncIterable(result.data))
    return { ...result, data: mappedFeed(result.data) };
  return result;
});

export const router = t.router;
/** The base of every query and mutation: refusals of the services leave as TRPCErrors. */
export const publicProcedure = t.procedure.use(mapRefusals);
/** The base of every subscription (a live feed). */
export const feedProcedure = publicProcedure.meta({ feed: true });
export const createCallerFactory = t.createCallerFactory;

/**
 * The dotted paths (`runs.events`) of the procedures built on feedProcedure, from their meta.
 * A router exposes its procedures as properties, nested routers as objects; tRPC's own fields
 * (`_def`, holding the same procedures again under flat keys) start with `_`.
 */
export function feedPaths(router: object, prefix = ''): Set<string> {
  const paths = new Set<string>();
  for (const [key, value] of Object.entries(router) as [string, unknown][]) {
    if (key.startsWith('_')) continue;
    const path = `${prefix}${key}`;
    if (typeof value === 'function') {
      if ((value as { meta?: ProcedureMeta }).meta?.feed === true) paths.add(path);
    } else if (typeof value === 'object' && value !== null) {
      for (const p of feedPaths(value, `${path}.`)) paths.add(p);
    }
  }
  return paths;
}
