/**
 * The real server, compiled (apps/server/dist/main.js, built by the integration tests' global
 * setup), as a child process, as a user starts it, on a given data directory.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { generateToken } from '../../src/security/token.ts';
import { REPO } from '../support/repo.ts';

const MAIN = join(REPO, 'apps/server/dist/main.js');

export interface Studio {
  child: ReturnType<typeof spawnStudio>;
  pid: number;
  token: string;
  base: string;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** A Bearer-authenticated request to the API. */
  call(path: string, init?: RequestInit): Promise<Response>;
  /** A query's data, or throws with the status and body of a refusal. */
  query<T>(procedure: string, input?: unknown): Promise<T>;
  /** A mutation's data, or throws with the status and body of a refusal. */
  mutate<T>(procedure: string, input: unknown): Promise<T>;
}

async function dataOf<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status}: ${text}`);
  return (JSON.parse(text) as { result: { data: T } }).result.data;
}

function options(dataDir: string, token: string, env: Record<string, string> = {}) {
  return {
    cwd: REPO,
    env: { ...env, MPQEMU_DATA_DIR: dataDir, MPQEMU_PORT: '0', MPQEMU_TOKEN: token },
    reject: false,
    stdin: 'ignore',
  } as const;
}

/** Runs main.ts on `dataDir` to its exit (for a server expected to refuse to start). */
export function runStudio(dataDir: string, timeoutMs = 60_000) {
  return execa('node', [MAIN], {
    ...options(dataDir, generateToken()),
    timeout: timeoutMs,
  });
}

function spawnStudio(dataDir: string, token: string, env?: Record<string, string>) {
  return execa('node', [MAIN], { ...options(dataDir, token, env), buffer: false });
}

/**
 * Starts the server and resolves once it prints its URL; rejects if it exits first. `env` adds
 * to the environment (MPQEMU_IMAGE_ROOTS, say).
 */
export async function startStudio(dataDir: string, env?: Record<string, string>): Promise<Studio> {
  const token = generateToken();
  const child = spawnStudio(dataDir, token, env);
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (err += c));
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      out += c;
      const found = /mpqemu studio is running: (\S+)\n/.exec(out);
      if (found?.[1]) resolve(new URL(found[1]).origin);
    });
    void child.then((r) => reject(new Error(`the server exited (${r.exitCode}): ${err}`)));
  });
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  return {
    child,
    pid: child.pid ?? 0,
    token,
    base,
    stderr: () => err,
    call,
    query: async (procedure, input) =>
      dataOf(
        await call(
          `/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
        ),
      ),
    mutate: async (procedure, input) =>
      dataOf(await call(`/trpc/${procedure}`, { method: 'POST', body: JSON.stringify(input) })),
  };
}
