/**
 * A hostile document against real QEMU: image paths written to make an option parser open another
 * file, protocol paths, and an image that names a backing file. The remote process's own block
 * graph (QMP `query-named-block-nodes`, through the allow-listed op) and its open file descriptors
 * show what QEMU actually opened.
 */
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunInfo, Topology } from '@mpqemu/shared';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { StartRefused } from '../../src/runs/types.ts';
import {
  TCG_ACK,
  isAlive,
  loadExample,
  managerForFile,
  pidsOf,
  qemuUnder,
  waitForRun,
} from '../runs/helpers.ts';

interface BlockNode {
  'node-name': string;
  drv: string;
  file: string;
  backing_file_depth: number;
}

// The images live in a folder of their own, made an image root of this test's launcher.
const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'mpq-hostile-')));
const files = managerForFile({ imageRoots: [scratch] });

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function image(path: string, format: 'raw' | 'qcow2', size: string, extra: string[] = []) {
  await execa('qemu-img', ['create', '-q', '-f', format, ...extra, path, size]);
}

/** The upstream LSI example with its one disk replaced. */
function withDisk(path: string, format: 'raw' | 'qcow2'): Topology {
  const t = loadExample('upstream-lsi.json');
  return { ...t, drives: t.drives.map((d) => ({ ...d, image: { ...d.image, path, format } })) };
}

/** Regular files the process holds open, by their real path. */
function openFiles(pid: number): string[] {
  const files: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith('/')) files.push(target);
    } catch {
      // Closed while we looked.
    }
  }
  return files;
}

/** Starts, waits for the VM, and returns the remote's block nodes and open files. */
async function startAndInspect(topology: Topology) {
  const started = await files.manager.start(topology, { acknowledged: TCG_ACK });
  const running = await waitForRun(files.manager, started.id, (r) => r.status === 'running');
  const nodes = (await files.manager.qmp(
    started.id,
    'rp0',
    'query-named-block-nodes',
  )) as BlockNode[];
  const rp0 = running.processes.find((p) => p.name === 'rp0')?.pid ?? -1;
  return { started, running, nodes, files: openFiles(rp0) };
}

/** Stops the run and checks that none of its processes is left. */
async function stopAndCheck(running: RunInfo): Promise<void> {
  const stopped = await files.manager.stop(running.id);
  expect(stopped.status).toBe('stopped');
  for (const pid of pidsOf(running)) expect(isAlive(pid)).toBe(false);
  expect(qemuUnder(join(files.dataDir, 'runs', running.id))).toEqual([]);
}

describe('a hostile document against real QEMU', () => {
  it('opens a file whose name carries option syntax literally, and nothing else', async () => {
    const other = join(scratch, 'other.img');
    // Parsed as classic QEMU options, this path is `file=<scratch>/a.img` then `file=<other>`: the
    // last key wins and QEMU would open other.img. The literal path exists too, as a nested file.
    const hostile = join(scratch, `a.img,file=${other}`);
    mkdirSync(join(hostile, '..'), { recursive: true });
    await image(other, 'raw', '2M');
    await image(hostile, 'raw', '1M');

    const { running, nodes, files } = await startAndInspect(withDisk(hostile, 'raw'));
    expect(nodes.map((n) => n['node-name']).sort(), JSON.stringify(nodes)).toEqual([
      'disk0-file',
      'disk0-fmt',
    ]);
    expect(nodes.map((n) => [n['node-name'], n.drv, n.file, n.backing_file_depth]).sort()).toEqual([
      // QEMU got the file as a descriptor (opened and checked by the launcher), never by name.
      ['disk0-file', 'file', '/dev/fdset/1', 0],
      ['disk0-fmt', 'raw', '/dev/fdset/1', 0],
    ]);
    expect(files).toContain(hostile);
    expect(files).not.toContain(other);
    // Twice: the inherited descriptor and QEMU's own dup of it in the fd set; the same file.
    expect([...new Set(files.filter((f) => f.startsWith(scratch)))]).toEqual([hostile]);
    await stopAndCheck(running);
  });

  it.each([
    ['a json: pseudo-protocol', `json:{"driver":"file","filename":"/etc/passwd"}`],
    ['an nbd: protocol', 'nbd:127.0.0.1:10809'],
    ['an nbd+unix: protocol', 'nbd+unix:///export?socket=/tmp/s'],
    ['a relative', 'other.img'],
  ])('refuses %s image path before anything starts', async (_kind, path) => {
    const error: unknown = await files.manager
      .start(withDisk(path, 'raw'), { acknowledged: TCG_ACK })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartRefused);
    const problems = (error as StartRefused).problems;
    expect(problems.map((p) => [p.severity, p.path])).toEqual([['error', 'drives[0].image.path']]);
    expect(problems[0]?.message).toMatch(/protocol|absolute/);
    expect(files.manager.list().filter((r) => !['stopped', 'failed'].includes(r.status))).toEqual(
      [],
    );
    expect(qemuUnder(files.dataDir)).toEqual([]);
  });

  it('ignores the backing file a qcow2 image names, and says so', async () => {
    const base = join(scratch, 'base.img');
    const top = join(scratch, 'top.qcow2');
    await image(base, 'raw', '4M');
    await execa('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'base.img', '-F', 'raw', top]);

    const { started, running, nodes, files } = await startAndInspect(withDisk(top, 'qcow2'));
    const warning = started.problems.find((p) => p.code === 'image.backing-ignored');
    expect(warning).toMatchObject({ severity: 'warning', path: 'drives[0].image.path' });
    // The name as the image states it: the header parser resolves nothing.
    expect(warning?.message).toContain('backing file base.img is ignored (backing: null)');
    expect(running.problems).toContainEqual(warning);

    const described = nodes.map((n) => [n['node-name'], n.drv, n.file, n.backing_file_depth]);
    // With `backing: null` QEMU describes the format node by its options, as a json: pseudo-name;
    // that text is QEMU's own report of the node, and it says: this file, no backing.
    expect(described.sort()).toEqual([
      ['disk0-file', 'file', '/dev/fdset/1', 0],
      ['disk0-fmt', 'qcow2', expect.stringMatching(/^json:/), 0],
    ]);
    const fmt = nodes.find((n) => n['node-name'] === 'disk0-fmt')?.file ?? '';
    expect(JSON.parse(fmt.slice('json:'.length))).toEqual({
      backing: null,
      driver: 'qcow2',
      file: { driver: 'file', filename: '/dev/fdset/1' },
    });
    expect(nodes.some((n) => n.file === base || n.file.endsWith('base.img'))).toBe(false);
    expect(files).toContain(top);
    expect(files).not.toContain(base);
    await stopAndCheck(running);
  });
});
