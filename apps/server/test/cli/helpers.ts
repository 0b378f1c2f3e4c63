/**
 * Shared by the CLI and export tests: the real CLI as a child process, and copies of the example
 * topologies that point at the test guest by absolute path and at private disk images, so that a
 * test never fights another test (or another engineer) for QEMU's image lock.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTopologyText, resolveDocumentPaths, type Topology } from '@mpqemu/shared';
import { execa } from 'execa';
import { afterAll } from 'vitest';
import { processesMentioning as mentioning } from '../runs/helpers.ts';
import { EXAMPLES, REPO } from '../support/repo.ts';

export const BIN = join(REPO, 'apps/server/bin/mpqemu.mjs');

/** Runs `mpqemu ARGS` to completion. */
export function cli(args: string[], env: Record<string, string> = {}) {
  return execa('node', [BIN, ...args], { reject: false, env, stdin: 'ignore' });
}

export async function loadExample(name: string): Promise<Topology> {
  const file = join(EXAMPLES, `${name}.json`);
  const loaded = loadTopologyText(await readFile(file, 'utf8'));
  if (!loaded.ok) throw new Error(`${file}: ${JSON.stringify(loaded.errors)}`);
  return resolveDocumentPaths(loaded.topology, EXAMPLES);
}

const tempDirs: string[] = [];

/** A temporary directory removed after the test file (run directories and images included). */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mpqemu-cli-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A temporary directory with the example's disks created fresh (raw or qcow2, 16 MiB). */
export async function privateExample(
  name: string,
): Promise<{ dir: string; topology: Topology; file: string }> {
  const dir = await tempDir();
  const original = await loadExample(name);
  const drives = [];
  for (const drive of original.drives) {
    const path = join(dir, `${drive.id}.${drive.image.format}`);
    await execa('qemu-img', ['create', '-q', '-f', drive.image.format, path, '16M']);
    drives.push({ ...drive, image: { ...drive.image, path } });
  }
  const topology = { ...original, drives };
  const file = resolve(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(topology));
  return { dir, topology, file };
}

/** Pids of processes whose command line or working directory mentions `text` (a run directory). */
export function processesMentioning(text: string): Promise<string[]> {
  // A run's QEMUs name no run-directory path in argv (every file is a descriptor); they run there.
  return Promise.resolve(mentioning(text).map(String));
}

/** Resolves once `read()` contains `needle`, or rejects after `ms` with what was seen. */
export async function waitForText(read: () => string, needle: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!read().includes(needle)) {
    if (Date.now() > deadline) throw new Error(`"${needle}" not seen in ${ms} ms; got:\n${read()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
