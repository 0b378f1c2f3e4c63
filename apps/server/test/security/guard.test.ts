/** Each rule of the HTTP gate, against the real server on an ephemeral port. */
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { topologiesDir } from '../../src/context.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/security/headers.ts';
import { richSample, startTestServer, warningCodes, type TestServer } from '../api/harness.ts';
import { rawRequest } from './http-client.ts';

let server: TestServer;
let origin: string;

beforeAll(async () => {
  server = await startTestServer();
  origin = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.stop();
});

const bearer = () => ({ Authorization: `Bearer ${server.token}` });

async function startBody(): Promise<string> {
  const topology = await richSample();
  return JSON.stringify({ topology, acknowledged: warningCodes(topology) });
}

function runCount(): number {
  return server.env.services.runs.list().length;
}

async function cookieHeader(): Promise<string> {
  const res = await rawRequest(server.port, { path: `/?token=${server.token}` });
  const cookie = res.headers['set-cookie']?.[0];
  if (!cookie) throw new Error('no cookie');
  return cookie.split(';')[0]!;
}

describe('Host header (DNS rebinding)', () => {
  it.each(['evil.example:PORT', 'evil.example', '127.0.0.1:1', 'localhost.evil.example:PORT'])(
    'refuses Host %j on every route, with a valid token',
    async (host) => {
      const headers = { ...bearer(), Host: host.replace('PORT', String(server.port)) };
      for (const path of ['/', '/trpc/runs.list', '/trpc/runs.events', '/assets/x.js']) {
        const res = await rawRequest(server.port, { path, headers });
        expect(res.status, `${host} ${path}`).toBe(403);
        expect(res.body).toContain('Host');
      }
    },
  );

  it('refuses a request without Host (HTTP/1.0)', async () => {
    const socket = connect(server.port, '127.0.0.1');
    socket.end(`GET /trpc/runs.list HTTP/1.0\r\nAuthorization: Bearer ${server.token}\r\n\r\n`);
    let reply = '';
    for await (const chunk of socket) reply += String(chunk);
    expect(reply).toMatch(/^HTTP\/1\.1 403 /);
  });

  it.each(['127.0.0.1:PORT', 'localhost:PORT', '[::1]:PORT', 'LOCALHOST:PORT'])(
    'accepts Host %j',
    async (host) => {
      const headers = { ...bearer(), Host: host.replace('PORT', String(server.port)) };
      expect((await rawRequest(server.port, { path: '/trpc/runs.list', headers })).status).toBe(
        200,
      );
    },
  );
});

describe('token', () => {
  it('refuses a request without a token, with a bad token or a bad cookie', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong' },
      { Authorization: `Bearer ${server.token}x` },
      { Authorization: `Basic ${server.token}` },
      { Cookie: `${server.cookieName}=${server.token}` },
      { Cookie: `${server.cookieName}=forged` },
    ];
    for (const headers of attempts) {
      for (const path of ['/', '/trpc/runs.list', '/trpc/capabilities.get']) {
        const res = await rawRequest(server.port, { path, headers });
        expect(res.status, `${JSON.stringify(headers)} ${path}`).toBe(401);
        expect(res.body).not.toContain(server.token);
      }
    }
  });

  it('accepts a Bearer header', async () => {
    const res = await rawRequest(server.port, { path: '/trpc/runs.list', headers: bearer() });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ result: { data: [] } });
  });

  it('trades the URL token for a strict HttpOnly cookie and a clean redirect', async () => {
    const res = await rawRequest(server.port, { path: `/some/page?a=1&token=${server.token}&b=2` });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/some/page?a=1&b=2');
    const cookies = res.headers['set-cookie'] ?? [];
    expect(cookies).toHaveLength(1);
    const [pair, ...attributes] = cookies[0]!.split(';').map((s) => s.trim());
    expect(pair?.startsWith(`${server.cookieName}=`)).toBe(true);
    expect(pair).not.toContain(server.token);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
    const withCookie = await rawRequest(server.port, {
      path: '/trpc/runs.list',
      headers: { Cookie: pair! },
    });
    expect(withCookie.status).toBe(200);
  });

  it('keeps a redirect on this site whatever the path looks like', async () => {
    for (const path of [
      `//evil.example/?token=${server.token}`,
      `/a/..//evil.example?token=${server.token}`,
    ]) {
      const res = await rawRequest(server.port, { path });
      expect(res.status).toBe(302);
      expect(res.headers.location).toMatch(/^\/(?!\/)/);
    }
  });

  it('refuses a bad token in the URL without setting a cookie', async () => {
    const res = await rawRequest(server.port, { path: '/?token=guess' });
    expect(res.status).toBe(401);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('mutations', () => {
  it('refuses a foreign Origin, even with a valid token', async () => {
    const body = await startBody();
    for (const foreign of [
      'http://evil.example',
      `http://localhost:${server.port + 1}`,
      'null',
      `https://127.0.0.1:${server.port}`,
    ]) {
      const res = await rawRequest(server.port, {
        method: 'POST',
        path: '/trpc/runs.start',
        headers: { ...bearer(), Origin: foreign, 'Content-Type': 'application/json' },
        body,
      });
      expect(res.status, foreign).toBe(403);
      expect(res.body).toContain('cross-origin');
    }
    expect(runCount()).toBe(0);
  });

  it('refuses text/plain and form posts, which a foreign page could send without preflight', async () => {
    const cookie = await cookieHeader();
    const body = await startBody();
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
    ]) {
      for (const credentials of [bearer(), { Cookie: cookie, Origin: origin }]) {
        const res = await rawRequest(server.port, {
          method: 'POST',
          path: '/trpc/runs.start',
          headers: { ...credentials, 'Content-Type': type },
          body,
        });
        expect(res.status, type).toBe(415);
        expect(res.body).toContain('application/json');
      }
    }
    const none = await rawRequest(server.port, {
      method: 'POST',
      path: '/trpc/runs.start',
      headers: bearer(),
      body,
    });
    expect(none.status).toBe(415);
    expect(runCount()).toBe(0);
  });

  it('refuses a cookie-only mutation without Origin, and accepts our own page', async () => {
    const cookie = await cookieHeader();
    const name = { name: 'via-cookie', topology: await richSample() };
    const headers = { Cookie: cookie, 'Content-Type': 'application/json' };
    const noOrigin = await rawRequest(server.port, {
      method: 'POST',
      path: '/trpc/topologies.save',
      headers,
      body: JSON.stringify(name),
    });
    expect(noOrigin.status).toBe(403);
    const ours = await rawRequest(server.port, {
      method: 'POST',
      path: '/trpc/topologies.save',
      headers: { ...headers, Origin: origin },
      body: JSON.stringify(name),
    });
    expect(ours.status).toBe(200);
    expect(await readdir(topologiesDir(server.env.dataDir))).toContain('via-cookie.json');
  });

  it('cannot change anything with GET', async () => {
    await server.env.services.store.save('sample-rich', await richSample());
    const input = encodeURIComponent(JSON.stringify({ name: 'sample-rich' }));
    const res = await rawRequest(server.port, {
      path: `/trpc/topologies.delete?input=${input}`,
      headers: bearer(),
    });
    expect(res.status).toBe(405);
    expect(await readdir(topologiesDir(server.env.dataDir))).toContain('sample-rich.json');
  });
});

describe('reads from a foreign origin', () => {
  /**
   * A live feed as a foreign page's EventSource would open it with our cookie: a GET with an
   * allowed Host, no upgrade and a valid credential, so the Origin check is the only one left to
   * refuse it. Resolves on the status, with the body of a refusal (a feed that opens is closed).
   */
  function openFeed(headers: Record<string, string>): Promise<{ status: number; body: string }> {
    const input = encodeURIComponent('{}');
    return new Promise((resolve, reject) => {
      const req = request(
        `http://127.0.0.1:${server.port}/trpc/runs.events?input=${input}`,
        { headers: { Accept: 'text/event-stream', ...headers }, agent: false },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status === 200) {
            req.destroy();
            resolve({ status, body: '' });
            return;
          }
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('refuses a live feed from a foreign origin with our cookie, and opens it for our page', async () => {
    const cookie = await cookieHeader();
    const foreign = await openFeed({ Cookie: cookie, Origin: 'http://evil.example' });
    expect(foreign).toEqual({ status: 403, body: 'Forbidden: cross-origin request.\n' });
    expect(await openFeed({ Cookie: cookie, Origin: origin })).toEqual({ status: 200, body: '' });
  });
});

describe('upgrades', () => {
  async function upgradeStatus(headers: Record<string, string>): Promise<number | string> {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/trpc`, { headers });
    return new Promise((resolve) => {
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => {
        resolve('open');
        ws.close();
      });
      ws.on('error', (e) => resolve(`error: ${e.message}`));
    });
  }

  it('refuses any upgrade, even from our own origin with the token', async () => {
    expect(await upgradeStatus({ Origin: origin, ...bearer() })).toBe(403);
    const h2c = await rawRequest(server.port, {
      path: '/trpc/runs.list',
      headers: { ...bearer(), Connection: 'Upgrade', Upgrade: 'h2c' },
    });
    expect(h2c.status).toBe(403);
  });
});

describe('response headers', () => {
  it('sends the security headers on pages, API answers and refusals', async () => {
    for (const [path, headers] of [
      ['/', bearer()],
      ['/trpc/runs.list', bearer()],
      ['/trpc/runs.list', {}],
    ] as const) {
      const res = await rawRequest(server.port, { path, headers });
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    const api = await rawRequest(server.port, { path: '/trpc/runs.list', headers: bearer() });
    expect(api.headers['cache-control']).toBe('no-store');
  });
});
