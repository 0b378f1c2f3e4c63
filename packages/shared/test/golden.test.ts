/// <reference types="node" />
/**
 * Golden tests in the spirit of Proxmox's `src/test/cfg2cmd`: each example document in, its exact
 * launch argv and readable rendering out, reviewed in diffs. `UPDATE_GOLDEN=1` rewrites them.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CAPABILITIES,
  loadTopologyText,
  planLaunch,
  renderReadable,
  renderReadableText,
  resolveDocumentPaths,
  toReadableArgv,
} from '../src/index.ts';
import { checkPlan } from './support/check-plan.ts';
import { shellWords } from './support/shell.ts';

const EXAMPLES = new URL('../../../examples/', import.meta.url);
const GOLDEN = new URL('./golden/', import.meta.url);
/** A fixed base and run directory, so that the goldens do not depend on the machine. */
const BASE_DIR = '/srv/mpqemu/examples';
const RUN_DIR = '/run/mpqemu/RUN';
const update = process.env.UPDATE_GOLDEN === '1';

const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.json'))
  .sort();

function compare(file: URL, actual: string): void {
  if (update || !existsSync(file)) {
    writeFileSync(file, actual);
    if (!update) throw new Error(`wrote missing golden ${file.pathname}; review it and rerun`);
    return;
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('golden plans of examples/*.json', () => {
  it('has examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  for (const file of examples) {
    const name = file.replace(/\.json$/, '');
    describe(name, () => {
      const loaded = loadTopologyText(readFileSync(new URL(file, EXAMPLES), 'utf8'));
      if (!loaded.ok) throw new Error(`${file}: ${JSON.stringify(loaded.errors)}`);
      const topology = resolveDocumentPaths(loaded.topology, BASE_DIR);
      const result = planLaunch(topology, DEFAULT_CAPABILITIES, { runDir: RUN_DIR });
      if (!result.ok) throw new Error(`${file}: ${JSON.stringify(result.problems)}`);
      const { plan } = result;

      it('launch argv matches the golden', () => {
        const processes = plan.processes.map(({ name, role, argv, fds }) => ({
          name,
          role,
          argv,
          fds,
        }));
        compare(
          new URL(`${name}.argv.json`, GOLDEN),
          `${JSON.stringify({ processes }, null, 2)}\n`,
        );
      });

      it('readable rendering matches the golden', () => {
        compare(new URL(`${name}.txt`, GOLDEN), renderReadableText(plan));
      });

      it('argv reads back as the document says, and the readable lines split into it', () => {
        checkPlan(plan, topology);
        const { commands } = renderReadable(plan);
        const words = shellWords(commands.map((c) => c.line));
        expect(words).toEqual(
          plan.processes.map((p) => [
            ...p.jail.wrapper,
            p.argv[0] ?? '',
            ...toReadableArgv(p.args),
          ]),
        );
      });
    });
  }
});
