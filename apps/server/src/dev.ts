/**
 * `npm run dev` (started by scripts/dev.mjs, restarted by tsx when a server source changes): the
 * studio with the web app served by Vite, hot reload included. MPQEMU_DEV_HMR_PORT is the port of
 * Vite's HMR socket; scripts/dev.mjs keeps it across restarts, so an open page reconnects.
 */
import { viteFront } from './http/vite-front.ts';
import { runStudio } from './studio.ts';

const hmrPort = Number(process.env.MPQEMU_DEV_HMR_PORT ?? '0');
if (!Number.isInteger(hmrPort) || hmrPort < 0 || hmrPort > 65_535) {
  console.error('mpqemu studio: MPQEMU_DEV_HMR_PORT must be a port number');
  process.exit(2);
}

await runStudio({ web: () => viteFront(hmrPort) });
