/**
 * tRPC init. Errors carry machine-readable details next to the message: the field errors of a
 * broken document or bad input, and the validator's problems when a start is refused, so the UI
 * can put each one on the right node or field.
 */
import { formatPath, type FieldError, type Problem } from '@mpqemu/shared';
import { initTRPC, StandardSchemaV1Error } from '@trpc/server';
import { ZodError } from 'zod';
import type { Context } from './context.ts';
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

const t = initTRPC.context<Context>().create({
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

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
