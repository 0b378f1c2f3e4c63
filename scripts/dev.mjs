#!/usr/bin/env node
// `npm run dev`: the studio from its sources, restarted by tsx when a server source changes, with
// the web app served by Vite (hot reload) behind the server's usual guard: one command, one URL.
// The token and the port of Vite's HMR socket are chosen here, once, so that a restart keeps the
// browser's cookie and the open page reconnects by itself. Arguments go to the server
// (`npm run dev -- --port 8080`).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function freeLoopbackPort() {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  return port;
}

const env = { ...process.env };
// 32 random bytes, as the server makes its own (apps/server/src/security/token.ts).
env.MPQEMU_TOKEN ??= randomBytes(32).toString('base64url');
env.MPQEMU_DEV_HMR_PORT ??= String(await freeLoopbackPort());

const tsx = join(root, 'node_modules', '.bin', 'tsx');
const args = ['watch', '--clear-screen=false', 'apps/server/src/dev.ts', ...process.argv.slice(2)];
// Its own process group, so a Ctrl+C reaches the server once, through here, not twice (the
// server takes a second signal as "exit now, skip the clean stop").
const child = spawn(tsx, args, {
  cwd: root,
  env,
  stdio: ['ignore', 'inherit', 'inherit'],
  detached: true,
});
child.on('error', (e) => {
  console.error(`npm run dev: cannot start tsx (${e.message}); install the dependencies: npm ci`);
  process.exit(1);
});
process.on('SIGINT', () => child.kill('SIGINT'));
process.on('SIGTERM', () => child.kill('SIGTERM'));
// A closed terminal: stop cleanly, as on SIGTERM.
process.on('SIGHUP', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
