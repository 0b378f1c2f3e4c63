#!/usr/bin/env node
// The `mpqemu` CLI: the compiled bundle (scripts/build-server.mjs), no TypeScript loader at run time.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps V8's compiled code between runs (in the OS temp dir): most of what a command
// spends after Node's own start is compiling the bundle. Older Nodes lack it and lose nothing.
module.enableCompileCache?.();

const bundle = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    'mpqemu: the CLI is not built (apps/server/dist/cli.js is missing); run `npm run build` in the repository\n',
  );
  process.exit(2);
}
const { main } = await import(bundle.href);
const status = await main(process.argv.slice(2));
// A finished command may leave handles (stdin, sockets) that would keep Node alive.
process.exit(status);
