/**
 * A connection flood and the user's requests through it, for the flood test and bench/flood-bench.ts.
 * The attacker is a separate node process (optionally run as another uid through setpriv) that
 * holds `count` idle connections and opens a new one whenever the server closes one, until its
 * deadline: the attack of issue #22, bounded in time.
 */
import { request } from 'node:http';
import { execa } from 'execa';

/** Runs with `node -e`: no file for another uid to be allowed to read. */
const ATTACKER = `
const net = require('node:net');
const [port, count, durationMs] = process.argv.slice(1).map(Number);
const end = Date.now() + durationMs;
const sockets = new Set();
let opened = 0, closed = 0;
function open() {
  if (Date.now() >= end) return;
  opened++;
  const s = net.connect(port, '127.0.0.1');
  sockets.add(s);
  s.on('error', () => {});
  s.once('close', () => {
    closed++;
    sockets.delete(s);
    // Refreshed as the server closes them; the 1 ms pause keeps a refused flood from being
    // only a busy loop of this process.
    setTimeout(open, 1);
  });
}
for (let i = 0; i < count; i++) open();
process.stdout.write('ready\\n');
setTimeout(() => {
  for (const s of sockets) s.destroy();
  process.stdout.write(JSON.stringify({ opened, closed }) + '\\n');
  process.exit(0);
}, durationMs);
`;

export interface FloodOptions {
  port: number;
  count: number;
  durationMs: number;
  /** Run the attacker as this uid and gid (the caller must be root); default: our own uid. */
  uid?: number;
}

export interface Flood {
  /** Resolves with how many connections the attacker opened, once its deadline has passed. */
  done: Promise<{ opened: number; closed: number }>;
}

/** Starts the attacker and resolves once its first `count` connections are under way. */
export async function startFlood(options: FloodOptions): Promise<Flood> {
  const args = ['-e', ATTACKER, String(options.port), String(options.count)];
  args.push(String(options.durationMs));
  const child =
    options.uid === undefined
      ? execa(process.execPath, args, { reject: false, stdin: 'ignore', buffer: false })
      : execa(
          'setpriv',
          [
            '--reuid',
            String(options.uid),
            '--regid',
            String(options.uid),
            '--clear-groups',
            process.execPath,
            ...args,
          ],
          { reject: false, stdin: 'ignore', buffer: false },
        );
  let out = '';
  child.stdout.setEncoding('utf8');
  const lines = (wanted: (text: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (wanted(out)) resolve(out);
      };
      child.stdout.on('data', (c: string) => {
        out += c;
        check();
      });
      void child.then((r) => {
        check();
        reject(new Error(`the attacker exited (${r.exitCode}): ${String(r.stderr)}`));
      });
    });
  await lines((t) => t.includes('ready\n'));
  const done = lines((t) => /\{.*\}\n/.test(t)).then(
    (t) => JSON.parse(/(\{.*\})\n/.exec(t)?.[1] ?? '{}') as { opened: number; closed: number },
  );
  return { done };
}

export interface UserRequest {
  status: number;
  ms: number;
  error?: string;
}

/** One GET on a connection of its own (no pooled, already trusted socket), with the token. */
function oneRequest(port: number, token: string, path: string): Promise<UserRequest> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        agent: false,
        timeout: 10_000,
        headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', (e) => resolve({ status: 0, ms: performance.now() - t0, error: e.message }));
    req.end();
  });
}

/** The user's `count` requests, one after the other, `gapMs` apart. */
export async function userRequests(
  port: number,
  token: string,
  count: number,
  gapMs: number,
): Promise<UserRequest[]> {
  const results: UserRequest[] = [];
  for (let i = 0; i < count; i++) {
    results.push(await oneRequest(port, token, '/trpc/topologies.list'));
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return results;
}

/** "median 3.1 ms, p95 8.0 ms, max 12.4 ms" of the requests that succeeded. */
export function latencyLine(results: readonly UserRequest[]): string {
  const ms = results
    .filter((r) => r.status === 200)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  if (ms.length === 0) return 'no request succeeded';
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0;
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`;
}

/** Opens one connection as `uid`, sends a request without a token, and reports what came back. */
export async function probeAs(uid: number, port: number): Promise<string> {
  const script = `
const s = require('node:net').connect(${port}, '127.0.0.1');
let got = '';
s.on('connect', () => s.write('GET /trpc/topologies.list HTTP/1.1\\r\\nHost: 127.0.0.1:${port}\\r\\n\\r\\n'));
s.on('data', (c) => { got += c; });
s.on('error', () => {});
s.on('close', () => { process.stdout.write(JSON.stringify(got.split('\\r\\n')[0] ?? '')); });
setTimeout(() => s.destroy(), 5000).unref();
`;
  const res = await execa(
    'setpriv',
    [
      '--reuid',
      String(uid),
      '--regid',
      String(uid),
      '--clear-groups',
      process.execPath,
      '-e',
      script,
    ],
    { reject: false, stdin: 'ignore' },
  );
  return JSON.parse(res.stdout || '""') as string;
}
