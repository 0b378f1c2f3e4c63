/**
 * The screen's WebSocket (`/screen/<run id>`) against the real server and a real QEMU (TCG): the
 * handshake passes the API's gate (Host, Origin, token) or is refused with its status, an open
 * socket carries the VM's RFB stream, it closes when the run stops, and the screenshot is a PNG
 * of the screen's size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunInfo, Topology } from '@mpqemu/shared';
import { callerFor, richSample, startTestServer, type TestServer } from '../api/harness.ts';
import { rawRequest } from './http-client.ts';

let server: TestServer;
let origin: string;
let run: RunInfo;

/** The sample's guest with its VGA and nothing else: one QEMU, no disks to lock. */
async function screenOnly(): Promise<Topology> {
  const rich = await richSample();
  return {
    ...rich,
    vm: { ...rich.vm, name: 'screen-test' },
    processes: [],
    devices: rich.devices.filter((d) => d.family === 'display'),
    drives: [],
  };
}

async function untilStatus(runId: string, wanted: RunInfo['status']): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (server.env.services.runs.get(runId)?.status !== wanted) {
    if (Date.now() > deadline) throw new Error(`run ${runId} never became ${wanted}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  server = await startTestServer();
  origin = `http://127.0.0.1:${server.port}`;
  run = await server.env.services.runs.start(await screenOnly());
  await untilStatus(run.id, 'running');
}, 90_000);
afterAll(async () => {
  await server.stop();
});

async function cookieHeader(): Promise<string> {
  const res = await rawRequest(server.port, { path: `/?token=${server.token}` });
  const cookie = res.headers['set-cookie']?.[0];
  if (!cookie) throw new Error('no cookie');
  return cookie.split(';')[0]!;
}

type Outcome = { status: number; body: string } | { open: WebSocket; first: Buffer };

/** Opens the screen socket; resolves on the refusal, or once the first RFB bytes arrive. */
function openScreen(runId: string, headers: Record<string, string>): Promise<Outcome> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/screen/${runId}`, { headers });
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('message', (data: Buffer) => resolve({ open: ws, first: data }));
    ws.on('error', (e) => reject(e));
  });
}

const statusOf = (o: Outcome) => ('status' in o ? o.status : 'open');

describe('the screen WebSocket', () => {
  it('refuses a foreign Origin even with our cookie', async () => {
    const foreign = await openScreen(run.id, {
      Cookie: await cookieHeader(),
      Origin: 'http://evil.example',
    });
    expect(foreign).toEqual({ status: 403, body: 'Forbidden: cross-origin WebSocket.\n' });
  });

  it('refuses a handshake without the cookie or token, and a cookie without Origin', async () => {
    expect(statusOf(await openScreen(run.id, { Origin: origin }))).toBe(401);
    expect(statusOf(await openScreen(run.id, { Origin: origin, Cookie: 'x=y' }))).toBe(401);
    expect(statusOf(await openScreen(run.id, { Cookie: await cookieHeader() }))).toBe(403);
    const forgedHost = await openScreen(run.id, {
      Host: 'evil.example',
      Authorization: `Bearer ${server.token}`,
    });
    expect(statusOf(forgedHost)).toBe(403);
  });

  it('refuses an unknown run (404) and any other upgrade path (403)', async () => {
    const bearer = { Authorization: `Bearer ${server.token}` };
    expect(statusOf(await openScreen('feedface0000', bearer))).toBe(404);
    const other = new WebSocket(`ws://127.0.0.1:${server.port}/screen/${run.id}/x`, {
      headers: bearer,
    });
    const status = await new Promise((resolve) =>
      other.on('unexpected-response', (_q, res) => resolve(res.statusCode)),
    );
    expect(status).toBe(403);
  });

  it('carries the RFB stream for our page (cookie + Origin) and for a Bearer token', async () => {
    for (const headers of [
      { Cookie: await cookieHeader(), Origin: origin },
      { Authorization: `Bearer ${server.token}` },
    ]) {
      const outcome = await openScreen(run.id, headers);
      if (!('open' in outcome)) throw new Error(`refused: ${outcome.status} ${outcome.body}`);
      // QEMU's greeting: the RFB protocol version it speaks.
      expect(outcome.first.toString('latin1')).toBe('RFB 003.008\n');
      outcome.open.close();
    }
  });

  it('takes a screenshot: a PNG of the text console (720x400)', async () => {
    const shot = await callerFor(server.env.services).runs.screenshot({ runId: run.id });
    expect([shot.width, shot.height]).toEqual([720, 400]);
    const png = Buffer.from(shot.pngBase64, 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]));
    expect(png.readUInt32BE(16)).toBe(720);
    expect(png.readUInt32BE(20)).toBe(400);
  });

  it('closes an open screen when the run stops', async () => {
    const outcome = await openScreen(run.id, { Authorization: `Bearer ${server.token}` });
    if (!('open' in outcome)) throw new Error(`refused: ${outcome.status}`);
    const closed = new Promise<number>((resolve) =>
      outcome.open.on('close', (code) => resolve(code)),
    );
    await server.env.services.runs.stop(run.id, { force: true });
    expect([1000, 1001]).toContain(await closed);
    const after = await openScreen(run.id, { Authorization: `Bearer ${server.token}` });
    expect(statusOf(after)).toBe(409);
  }, 30_000);
});
