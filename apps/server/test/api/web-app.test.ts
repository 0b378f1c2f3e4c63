import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.ts';

let dist: string;
let built: TestServer;
let unbuilt: TestServer;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'mpq-dist-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  built = await startTestServer({ webDist: dist });
  unbuilt = await startTestServer({ webDist: join(dist, 'missing') });
});
afterAll(async () => {
  await built.stop();
  await unbuilt.stop();
  await rm(dist, { recursive: true, force: true });
});

const get = (server: TestServer, path: string) =>
  fetch(`${server.base}${path}`, { headers: { Authorization: `Bearer ${server.token}` } });

describe('web app', () => {
  it('serves the build, with index.html for client-side routes', async () => {
    for (const path of ['/', '/topologies/x', '/runs/abc']) {
      const res = await get(built, path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('id="root"');
    }
    const asset = await get(built, '/assets/index-abc123.js');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('answers 404 for a missing file rather than the page', async () => {
    expect((await get(built, '/assets/missing.js')).status).toBe(404);
    expect((await get(built, '/trpc/nothing.here')).status).toBe(404);
  });

  it('shows a clear page when the app is not built', async () => {
    const res = await get(unbuilt, '/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
