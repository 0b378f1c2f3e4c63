#!/usr/bin/env node
// Makes packages/shared/src/export/launcher-runtime.ts from launcher-runtime.mjs: the shared
// package is pure (no fs at run time), so the checked JavaScript file travels into the exported
// launcher as text. Run after editing the .mjs; packages/shared/test/launcher-runtime.test.ts
// fails while the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const START = '// mpqemu:launcher-start\n';
const PLAN_START = '// mpqemu:plan-start\n';
const PLAN_END = '// mpqemu:plan-end\n';

export const RUNTIME_SOURCE = join(
  dirname(fileURLToPath(import.meta.url)),
  '../packages/shared/src/export/launcher-runtime.mjs',
);
export const RUNTIME_EMBEDDED = RUNTIME_SOURCE.replace(/\.mjs$/, '.ts');

/**
 * The parts of the runtime source that go into an exported launcher: the imports (between the
 * start and plan markers) and the body (after the plan block, which the exporter replaces).
 */
export function splitLauncherRuntime(source) {
  const start = source.indexOf(START);
  const planStart = source.indexOf(PLAN_START);
  const planEnd = source.indexOf(PLAN_END);
  if (start < 0 || planStart < start || planEnd < planStart) {
    throw new Error('launcher-runtime.mjs: markers missing or out of order');
  }
  return {
    imports: source.slice(start + START.length, planStart),
    body: source.slice(planEnd + PLAN_END.length),
  };
}

// A plain template literal keeps the text readable in diffs; these three are all it must escape.
function templateLiteral(text) {
  return '`' + text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

/** The TypeScript module that embeds the runtime, formatted as the repository formats it. */
export async function embeddedModule(source) {
  const { imports, body } = splitLauncherRuntime(source);
  const text = [
    '// Generated from launcher-runtime.mjs by scripts/embed-launcher-runtime.mjs: edit that file',
    '// and run the script. packages/shared/test/launcher-runtime.test.ts checks that they match.',
    '',
    '/** The import lines of the exported launcher. */',
    `export const LAUNCHER_IMPORTS = ${templateLiteral(imports)};`,
    '',
    '/** The fixed body of the exported launcher; it reads everything variable from `PLAN`. */',
    `export const LAUNCHER_RUNTIME = ${templateLiteral(body)};`,
    '',
  ].join('\n');
  const options = await prettier.resolveConfig(RUNTIME_EMBEDDED);
  return prettier.format(text, { ...options, filepath: RUNTIME_EMBEDDED });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(RUNTIME_EMBEDDED, await embeddedModule(readFileSync(RUNTIME_SOURCE, 'utf8')));
  console.log(`wrote ${RUNTIME_EMBEDDED}`);
}
