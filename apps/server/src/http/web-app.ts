/**
 * The built web app (apps/web/dist) with a single-page fallback: any GET that is not a file and
 * does not look like one gets index.html, so client-side routes survive a reload.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type RequestHandler, type Router } from 'express';
import { WEB_DIST_DIR } from '../repo-paths.ts';

const DEFAULT_WEB_DIST = WEB_DIST_DIR;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mpqemu studio: web app not built</title></head>
<body><h1>The web app is not built</h1>
<p>The server and its API are running, but <code>apps/web/dist</code> does not exist yet.</p>
<p>Build it with <code>npm run build</code> (or start everything with <code>npm start</code>), then reload this page.</p>
</body></html>
`;

/** A path whose last segment has an extension names a file; it gets a 404, never index.html. */
function looksLikeFile(path: string): boolean {
  return /\.[A-Za-z0-9]+$/.test(path.split('/').pop() ?? '');
}

export function webApp(dist: string = DEFAULT_WEB_DIST): Router {
  const app = express.Router();
  app.use(
    express.static(dist, {
      index: 'index.html',
      dotfiles: 'ignore',
      setHeaders(res, path) {
        // Vite puts content hashes in these names: a given URL never changes.
        if (path.startsWith(join(dist, 'assets')))
          res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
      },
    }),
  );
  const fallback: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/trpc')) {
      next();
      return;
    }
    const index = join(dist, 'index.html');
    if (!existsSync(index)) {
      res.status(503).type('html').send(NOT_BUILT_PAGE);
      return;
    }
    if (looksLikeFile(req.path)) {
      next();
      return;
    }
    res.sendFile(index);
  };
  app.use(fallback);
  return app;
}
