#!/usr/bin/env node
// The `mpqemu` CLI: registers tsx so the TypeScript sources run as they are, then hands over.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const status = await main(process.argv.slice(2));
// A finished command may leave handles (stdin, sockets) that would keep Node alive.
process.exit(status);
