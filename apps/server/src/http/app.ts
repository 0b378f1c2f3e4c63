/** The Express app: security first, then the API under /trpc, then the web app. */
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { createContext, type Services } from '../context.ts';
import { appRouter } from '../router/index.ts';
import { feedLimit, type FeedCounter } from '../security/feed-limit.ts';
import { securityGuard, type GuardOptions } from '../security/guard.ts';
import { CONTENT_SECURITY_POLICY, securityHeaders } from '../security/headers.ts';
import { refuse } from '../security/refuse.ts';
import { feedPaths } from '../trpc.ts';
import { checkFeedInput } from './feed-input.ts';
import { webApp } from './web-app.ts';

/** Large enough for any document the schema accepts in practice; a bound on hostile bodies. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const feeds = feedPaths(appRouter);
const isFeed = (path: string): boolean => feeds.has(path);

/** What serves the page and its assets, behind the guard like the API. */
export interface WebFront {
  handler: RequestHandler;
  /** The Content-Security-Policy of every response. */
  contentSecurityPolicy: string;
}

export interface AppOptions {
  services: Services;
  guard: GuardOptions;
  /** Default: the built app (web-app.ts); `npm run dev` passes Vite's (vite-front.ts). */
  web?: WebFront | undefined;
  webDist?: string | undefined;
  log: (message: string) => void;
  /** Live feeds per client, shared with the screens' sockets (server.ts). */
  feeds?: FeedCounter;
}

export function createApp(options: AppOptions): Express {
  const web = options.web ?? {
    handler: webApp(options.webDist),
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  };
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(web.contentSecurityPolicy));
  app.use(securityGuard(options.guard));
  // Bad input is answered before a feed takes one of the client's places.
  app.use('/trpc', checkFeedInput(appRouter, isFeed));
  app.use('/trpc', feedLimit(isFeed, options.feeds));
  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: () => createContext(options.services),
      maxBodySize: MAX_BODY_BYTES,
      onError({ error, path, type }) {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          options.log(`error in ${type} ${path ?? '?'}: ${error.message}`);
      },
    }),
  );
  app.use(web.handler);
  app.use((_req, res) => refuse(res, 404, 'Not found.'));
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    options.log(`request failed: ${err instanceof Error ? err.message : String(err)}`);
    if (!res.headersSent) refuse(res, 500, 'Internal error.');
  };
  app.use(onError);
  return app;
}
