/**
 * The whole path once: the real server on an ephemeral port, a query over HTTP, a mutation that
 * starts real QEMU, and one event of an SSE subscription read with fetch.
 */
import type { RunInfo } from '@mpqemu/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  richSample,
  richWithOwnDisks,
  startTestServer,
  warningCodes,
  type TestServer,
} from './harness.ts';
import { ensureGuest } from '../support/guest.ts';
import { REPO } from '../support/repo.ts';

let server: TestServer;

beforeAll(async () => {
  await ensureGuest();
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

function auth(extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${server.token}`, ...extra };
}

/**
 * Reads `text/event-stream` until the first `data:` line of an event of type `type` (none: a
 * message with the procedure's data).
 */
async function firstSseData(response: Response, type?: string): Promise<unknown> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before an event: ${buffer}`);
    buffer += value;
    for (const block of buffer.split('\n\n').slice(0, -1)) {
      const lines = block.split('\n');
      // tRPC's own `connected` and `ping` events carry no procedure data.
      const event = lines
        .find((l) => l.startsWith('event:'))
        ?.slice('event:'.length)
        .trim();
      if (event !== type) continue;
      const data = lines.find((l) => l.startsWith('data:'));
      if (data) {
        await reader.cancel();
        return JSON.parse(data.slice('data:'.length));
      }
    }
  }
}

describe('HTTP API end to end', () => {
  it('answers a query over HTTP', async () => {
    const res = await fetch(`${server.base}/trpc/topologies.list`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { result: { data: { name: string }[] } };
    // A new store is empty: no sample is copied into it.
    expect(body.result.data).toEqual([]);
  });

  it('returns the problems of a refused start in the error data', async () => {
    const topology = await richSample();
    const res = await fetch(`${server.base}/trpc/runs.start`, {
      method: 'POST',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ topology, acknowledged: [] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { message: string; data: { code: string; details: { problems: { code: string }[] } } };
    };
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.data.details.problems.map((p) => p.code)).toEqual(warningCodes(topology));
    // The document names files in this checkout; an error must not echo a host path back.
    expect(JSON.stringify(topology)).toContain(REPO);
    expect(JSON.stringify(body)).not.toContain(REPO);
  });

  it('gives readable field errors for bad input', async () => {
    const res = await fetch(`${server.base}/trpc/topologies.delete`, {
      method: 'POST',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ name: '../etc' }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { message: string; data: { details: { fieldErrors: { path: string }[] } } };
    };
    expect(body.error.message).toMatch(/^Invalid input: name: starts with a letter or digit/);
    expect(body.error.data.details.fieldErrors.map((f) => f.path)).toEqual(['name']);
  });

  it('refuses a feed of an unknown run with NOT_FOUND as its first event', async () => {
    const input = encodeURIComponent(JSON.stringify({ runId: 'nope' }));
    const sse = await fetch(`${server.base}/trpc/runs.console?input=${input}`, {
      headers: auth({ Accept: 'text/event-stream' }),
    });
    expect(await firstSseData(sse, 'serialized-error')).toMatchObject({
      message: 'There is no run "nope".',
      data: { code: 'NOT_FOUND', httpStatus: 404, details: null },
    });
  });

  it('starts a run with a mutation and streams its snapshot over SSE', async () => {
    const topology = await richWithOwnDisks(server.env.dataDir);
    const started = await fetch(`${server.base}/trpc/runs.start`, {
      method: 'POST',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ topology, acknowledged: warningCodes(topology) }),
    });
    expect(started.status).toBe(200);
    const run = ((await started.json()) as { result: { data: RunInfo } }).result.data;

    const input = encodeURIComponent(JSON.stringify({ runId: run.id }));
    const abort = new AbortController();
    const sse = await fetch(`${server.base}/trpc/runs.events?input=${input}`, {
      headers: auth({ Accept: 'text/event-stream' }),
      signal: abort.signal,
    });
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const snapshot = (await firstSseData(sse)) as RunInfo;
    abort.abort();
    expect(snapshot.id).toBe(run.id);
    expect(['starting', 'running']).toContain(snapshot.status);

    const stop = await fetch(`${server.base}/trpc/runs.stop`, {
      method: 'POST',
      headers: auth({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ runId: run.id }),
    });
    expect(((await stop.json()) as { result: { data: RunInfo } }).result.data.status).toBe(
      'stopped',
    );
  });
});
