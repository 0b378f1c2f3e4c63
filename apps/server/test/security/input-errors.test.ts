/**
 * Errors as errors (issue #22): every procedure that takes input answers bad input with a 400
 * naming the field, subscriptions included, before any stream starts (doctor.run used to answer
 * 200 and an error event inside the stream). Against the real HTTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../src/router/index.ts';
import { startTestServer, type TestServer } from '../api/harness.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

type Kind = 'query' | 'mutation' | 'subscription';

/** Every procedure that declares an input, with its kind. */
function withInput(): [string, Kind][] {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: Kind; inputs: unknown[] } }
  >;
  return Object.entries(procedures)
    .filter(([, p]) => p._def.inputs.length > 0)
    .map(([path, p]) => [path, p._def.type]);
}

function send(path: string, kind: Kind, input: unknown): Promise<Response> {
  const headers = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' };
  if (kind === 'mutation') {
    return fetch(`${server.base}/trpc/${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(input),
    });
  }
  const query = encodeURIComponent(JSON.stringify(input));
  return fetch(`${server.base}/trpc/${path}?input=${query}`, { headers });
}

describe('bad input', () => {
  it('doctor.run: a 400 naming the field, not a stream', async () => {
    const controller = new AbortController();
    const res = await fetch(
      `${server.base}/trpc/doctor.run?input=${encodeURIComponent(JSON.stringify({ timeoutMs: 1 }))}`,
      { headers: { Authorization: `Bearer ${server.token}` }, signal: controller.signal },
    );
    try {
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as {
        error: { message: string; data: { details: { fieldErrors: { path: string }[] } } };
      };
      expect(body.error.message).toMatch(/^Invalid input: timeoutMs: /);
      expect(body.error.data.details.fieldErrors.map((f) => f.path)).toEqual(['timeoutMs']);
    } finally {
      controller.abort();
    }
  });

  it('every procedure with an input answers a number where its input goes with a 400', async () => {
    const procedures = withInput();
    expect(procedures.map(([p]) => p)).toContain('runs.events');
    for (const [path, kind] of procedures) {
      const controller = new AbortController();
      const res = await send(path, kind, 12345);
      const text = await res.text().finally(() => controller.abort());
      expect(res.status, `${kind} ${path}: ${text.slice(0, 200)}`).toBe(400);
      expect(text, path).toContain('Invalid input');
    }
  });
});
