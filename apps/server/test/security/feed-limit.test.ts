/**
 * Live feeds per client are capped: over the real HTTP server, the feeds beyond the cap are
 * refused with 429 before any procedure runs, and a closed feed frees its place.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FEEDS_PER_CLIENT } from '../../src/security/feed-limit.ts';
import { startTestServer, type TestServer } from '../api/harness.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

/** Opens `runs.events` as the web app does (GET, text/event-stream) and resolves on its status. */
function openFeed(): Promise<{ status: number; req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.base}/trpc/runs.events?input=${encodeURIComponent('{}')}`,
      {
        headers: {
          Authorization: `Bearer ${server.token}`,
          Accept: 'text/event-stream',
        },
        // One socket per feed, as a browser's EventSource would use.
        agent: false,
      },
      (res) => resolve({ status: res.statusCode ?? 0, req, res }),
    );
    req.on('error', reject);
    req.end();
  });
}

describe('live feeds per client', () => {
  it(`allows ${MAX_FEEDS_PER_CLIENT}, refuses the next with 429, and frees a place on close`, async () => {
    const feeds = [];
    for (let i = 0; i < MAX_FEEDS_PER_CLIENT; i++) feeds.push(await openFeed());
    expect(feeds.map((f) => f.status)).toEqual(feeds.map(() => 200));
    const over = await openFeed();
    expect(over.status).toBe(429);
    over.res.resume();
    const first = feeds.shift();
    first?.req.destroy();
    // The server sees the close asynchronously; a generous wait for it, not a timing claim.
    let again = await openFeed();
    for (let i = 0; i < 50 && again.status === 429; i++) {
      again.res.resume();
      await new Promise((r) => setTimeout(r, 100));
      again = await openFeed();
    }
    expect(again.status).toBe(200);
    for (const f of [...feeds, again]) f.req.destroy();
  });
});
