/**
 * The runtime is the only place that starts processes or speaks QMP (libvirt's virCommand and
 * qemuMonitor, one of each): a source file elsewhere that imports a spawner or sends a QMP
 * handshake fails this test. Tests and the benchmarks' CLI runners start processes of their own
 * (the CLI, the server) and are not product code; the benchmarks' bare baselines must use the
 * runtime, so they are checked too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const RUNTIME = 'apps/server/src/runtime/';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mjs|js)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

const product = [
  ...sources('apps/server/src'),
  ...sources('apps/web/src'),
  ...sources('packages/shared/src'),
  ...readdirSync(join(ROOT, 'bench'))
    .filter((n) => n.startsWith('bare-'))
    .map((n) => `bench/${n}`),
];

const SPAWNERS =
  /from ['"](node:)?child_process['"]|from ['"]execa['"]|require\(['"](node:)?child_process['"]\)/;
// The negotiation as code (a string of its own), not a mention in a sentence.
const QMP_HANDSHAKE = /['"`]qmp_capabilities['"`]|execute: *['"]qmp_capabilities/;

describe('one QEMU runtime', () => {
  it('finds the product sources it guards (the runtime among them)', () => {
    expect(product.filter((f) => f.startsWith(RUNTIME)).length).toBeGreaterThan(3);
    expect(product.length).toBeGreaterThan(100);
  });

  it('no file outside the runtime imports node:child_process or execa', () => {
    const outside = product.filter((f) => !f.startsWith(RUNTIME));
    const offenders = outside.filter((f) => SPAWNERS.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('no file outside the runtime opens a QMP session (only runtime/qmp.ts negotiates)', () => {
    const offenders = product.filter(
      (f) => f !== `${RUNTIME}qmp.ts` && QMP_HANDSHAKE.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('the runtime imports only Node built-ins and its own files (it is bundled into the exported launcher)', () => {
    const imports = product
      .filter((f) => f.startsWith(RUNTIME))
      .flatMap((f) =>
        [
          ...readFileSync(join(ROOT, f), 'utf8').matchAll(
            /^import (?!type )[^;]*? from '([^']+)';/gms,
          ),
        ].map((m) => `${f}: ${m[1] ?? ''}`),
      );
    const foreign = imports.filter((i) => !/: (node:|\.\/)/.test(i));
    expect(foreign).toEqual([]);
  });
});
