/**
 * A feed's input checked before its stream starts. tRPC answers a subscription with `200
 * text/event-stream` and only then parses its input, so bad input became an error event inside
 * a successful response (doctor.run did that). Here a feed's input goes through the procedure's
 * own parsers first, and bad input gets a 400 naming the field, like any query or mutation.
 */
import type { AnyRouter } from '@trpc/server';
import type { RequestHandler } from 'express';
import { ZodError } from 'zod';
import { refuse } from '../security/refuse.ts';
import { badInputBody } from '../trpc.ts';

interface Parser {
  safeParse?: (value: unknown) => { success: boolean; error?: unknown };
}

/** The input parsers of procedure `path` of `router`, as tRPC keeps them. */
function parsersOf(router: AnyRouter, path: string): Parser[] {
  const procedures = router._def.procedures as Record<string, { _def?: { inputs?: unknown[] } }>;
  return (procedures[path]?._def?.inputs ?? []) as Parser[];
}

/** Express middleware for `/trpc`: checks the input of each feed in `feeds` before tRPC runs. */
export function checkFeedInput(
  router: AnyRouter,
  isFeed: (path: string) => boolean,
): RequestHandler {
  return (req, res, next) => {
    const path = req.path.replace(/^\//, '');
    if (!isFeed(path)) {
      next();
      return;
    }
    const raw = new URL(req.originalUrl, 'http://localhost').searchParams.get('input');
    let input: unknown;
    if (raw !== null) {
      try {
        input = JSON.parse(raw) as unknown;
      } catch {
        refuse(res, 400, `input: not valid JSON`);
        return;
      }
    }
    for (const parser of parsersOf(router, path)) {
      const result = parser.safeParse?.(input);
      if (result && !result.success && result.error instanceof ZodError) {
        res.status(400).json(badInputBody(path, result.error));
        return;
      }
    }
    next();
  };
}
