/**
 * The web app served by Vite in middleware mode, for `npm run dev`: the server mounts it where the
 * built app goes, behind the same guard (Host, Origin, token then cookie), so the printed URL gives
 * hot reload with the security of a normal start. Only dev.ts imports this; the built server
 * (dist/main.js) never contains Vite.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createServer as createViteServer } from 'vite';
import { WEB_SOURCE_DIR } from '../repo-paths.ts';
import { contentSecurityPolicy } from '../security/headers.ts';
import type { WebFront } from './app.ts';

/** Vite's HMR socket listens here only: the page that uses it is opened on this machine. */
const HMR_HOST = '127.0.0.1';

/**
 * Starts Vite on the web app's sources, its HMR WebSocket on `hmrPort` (0: any free port).
 *
 * The server refuses every protocol upgrade on its own port (security/upgrade.ts), so the HMR
 * socket gets a loopback port of its own. Vite accepts a browser there only with the token it
 * writes into /@vite/client, which is served behind the guard: a page without our cookie cannot
 * read it.
 */
export async function viteFront(hmrPort: number): Promise<WebFront> {
  // Plain HTTP on the HMR port is refused; Vite answers the WebSocket upgrades.
  const hmr = createServer((_req, res) => res.writeHead(426).end());
  hmr.listen(hmrPort, HMR_HOST);
  await Promise.race([
    once(hmr, 'listening'),
    once(hmr, 'error').then(([e]) => Promise.reject(e as Error)),
  ]);
  const { port } = hmr.address() as { port: number };
  // @vitejs/plugin-react puts its refresh preamble in an inline <script>, which script-src 'self'
  // refuses. Vite marks every script it writes with this nonce, and the policy allows it. One nonce
  // per start, not per page: it guards against injected markup, and Vite is a development tool.
  const nonce = randomBytes(18).toString('base64url');
  const vite = await createViteServer({
    root: WEB_SOURCE_DIR,
    configFile: join(WEB_SOURCE_DIR, 'vite.config.ts'),
    appType: 'spa',
    clearScreen: false,
    html: { cspNonce: nonce },
    server: { middlewareMode: true, ws: { server: hmr, host: HMR_HOST, clientPort: port } },
  });
  return {
    handler: (req, res, next) => {
      vite.middlewares(req, res, next);
    },
    contentSecurityPolicy: contentSecurityPolicy({
      'script-src': [`'nonce-${nonce}'`],
      'connect-src': [`ws://${HMR_HOST}:${port}`],
    }),
  };
}
