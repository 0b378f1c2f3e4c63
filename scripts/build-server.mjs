#!/usr/bin/env node
// Compiles the server and the CLI to plain JavaScript in apps/server/dist, so neither needs a
// TypeScript loader at run time. esbuild (already installed for Vite and tsx, and fast enough to
// run before every test session) bundles each entry with packages/shared, which is consumed as
// TypeScript source and so cannot be loaded by plain Node.
// - The server (dist/main.js) keeps its npm dependencies external: Express and friends are
//   CommonJS with dynamic requires, and the server starts once.
// - The CLI (dist/cli.js) starts on every command and has a start-up target, so its dependencies
//   (zod, execa, all ESM) are bundled too: resolving and loading hundreds of small module files
//   was most of its start-up. `up` and the probe are split into chunks loaded only when needed.
// Usage: build-server.mjs [--if-stale]   (--if-stale: nothing to do when dist is newer than the sources)
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'apps/server/dist');
const entries = {
  main: 'apps/server/src/main.ts',
  cli: 'apps/server/src/cli/main.ts',
  launcher: 'apps/server/src/launcher/main.ts',
};
const sourceDirs = ['apps/server/src', 'packages/shared/src'];
const manifests = ['apps/server/package.json', 'packages/shared/package.json'];

/** Every npm dependency of the server and the shared package, except the shared package itself. */
function externals() {
  const names = new Set();
  for (const file of manifests) {
    const { dependencies = {} } = JSON.parse(readFileSync(join(root, file), 'utf8'));
    for (const name of Object.keys(dependencies)) if (!name.startsWith('@mpqemu/')) names.add(name);
  }
  return [...names];
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function isStale() {
  let built;
  try {
    built = Math.min(
      ...Object.keys(entries).map(
        (n) => statSync(join(outdir, `${n}.${n === 'launcher' ? 'mjs' : 'js'}`)).mtimeMs,
      ),
    );
  } catch {
    return true;
  }
  const files = [...sourceDirs.map((d) => newestSource(join(root, d)))];
  files.push(...manifests.map((m) => statSync(join(root, m)).mtimeMs));
  files.push(statSync(fileURLToPath(import.meta.url)).mtimeMs);
  return Math.max(...files) > built;
}

/** Builds in memory, then writes each file atomically: a CLI started meanwhile never reads half a file. */
async function emit(options) {
  const result = await build({
    absWorkingDir: root,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    write: false,
    ...options,
  });
  // Chunks first, entries last, so an entry never names a chunk that is not there yet.
  const files = [...result.outputFiles].sort(
    (a, b) => (a.path.includes('/chunks/') ? -1 : 0) - (b.path.includes('/chunks/') ? -1 : 0),
  );
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
}

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
await Promise.all([
  emit({ entryPoints: { main: entries.main }, external: externals() }),
  emit({
    entryPoints: { cli: entries.cli },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    // Bundled CommonJS code (execa's cross-spawn) calls require(); ESM has none of its own.
    banner: {
      js: "import { createRequire as __mpqemuRequire } from 'node:module'; const require = __mpqemuRequire(import.meta.url);",
    },
  }),
  // The exported launcher's body: the runtime and the file checks, Node built-ins only, readable
  // (people run it on their own hosts). The exporter puts `const PLAN = {...}` before it.
  emit({
    entryPoints: { launcher: entries.launcher },
    outExtension: { '.js': '.mjs' },
    sourcemap: false,
    legalComments: 'none',
  }),
]);
