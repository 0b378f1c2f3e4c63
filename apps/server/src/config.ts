/**
 * Configuration from the environment (MPQEMU_*) and main.ts's flags, validated once at start.
 * The token is deliberately not a flag: argv is readable by every local user.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_ISOLATION,
  imageRootProblem,
  ISOLATION_MODES,
  type IsolationMode,
} from '@mpqemu/shared';
import * as z from 'zod';
import { DEFAULT_LIVENESS_INTERVAL_MS } from './runtime/liveness.ts';
import { tokenProblem } from './security/token.ts';

export const DEFAULT_PORT = 7788;
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_QEMU = 'qemu-system-x86_64';

export interface Config {
  host: string;
  port: number;
  /** A name on PATH or an absolute path. */
  qemu: string;
  /** True when the user named the binary (then a missing one is fatal at start). */
  qemuExplicit: boolean;
  dataDir: string;
  /** From MPQEMU_TOKEN; otherwise a fresh one each start (see security/token.ts). */
  token: string | undefined;
  /**
   * Image roots added to the image library and the samples' folder: every --image-root, else
   * MPQEMU_IMAGE_ROOTS. Images, kernels and initrds come only from image roots.
   */
  imageRoots: string[];
  /** What Start does without jails (MPQEMU_ISOLATION, --isolation); see plan/jail.ts. */
  isolation: IsolationMode;
  /** How often each device process's QMP is pinged (docs/live.md, "Liveness"). */
  livenessIntervalMs: number;
}

/** A bad setting: the message names it; main.ts prints it and exits with status 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const USAGE = `Usage: mpqemu-studio [--host ADDRESS] [--port PORT] [--data-dir DIR] [--qemu BINARY]
                     [--image-root DIR]... [--isolation required|preferred|off]
                     [--liveness-interval MS]

Environment: MPQEMU_HOST, MPQEMU_PORT, MPQEMU_DATA_DIR, MPQEMU_QEMU, MPQEMU_TOKEN,
MPQEMU_IMAGE_ROOTS (absolute directories separated by ":"), MPQEMU_ISOLATION,
MPQEMU_LIVENESS_INTERVAL (ms between two pings of a device process; 100-60000, default
1000: a hung process is noticed within two). Flags win over the environment. Every QEMU
process runs in its own bubblewrap jail; --isolation says what Start does on a host that
cannot jail: refuse (required, the default), run unconfined and say so on every process
(preferred), or never jail (off).
Disk images, kernels and initrds are taken only from image roots: the image library
<data dir>/images, the examples' folder, --image-root / MPQEMU_IMAGE_ROOTS and those saved
in the settings. The token is never taken on the command line: set MPQEMU_TOKEN, or the server
makes a new one at every start (written to <data dir>/token, mode 0600, for you to find).`;

const Host = z.union([z.ipv4(), z.ipv6(), z.literal('localhost')], {
  error: 'must be an IP address (e.g. 127.0.0.1) or "localhost"',
});
const Port = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a number from 0 to 65535')
  .transform(Number)
  .pipe(z.int().min(0, 'must be from 0 to 65535').max(65_535, 'must be from 0 to 65535'));
const Qemu = z
  .string()
  .min(1, 'must not be empty')
  .refine((v) => (v.includes('/') ? isAbsolute(v) : /^[A-Za-z0-9._+-]+$/.test(v)), {
    message: 'must be a program name on PATH or an absolute path',
  });
const Dir = z
  .string()
  .min(1, 'must not be empty')
  // eslint-disable-next-line no-control-regex
  .refine((v) => !/[\u0000-\u001f]/.test(v), { message: 'must not contain control characters' });
const LivenessInterval = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a number of milliseconds from 100 to 60000')
  .transform(Number)
  .pipe(
    z.int().min(100, 'must be from 100 to 60000 ms').max(60_000, 'must be from 100 to 60000 ms'),
  );
const Token = z.string().superRefine((v, ctx) => {
  const problem = tokenProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const ImageRoots = z
  .string()
  .transform((v) => v.split(':').filter((p) => p !== ''))
  .pipe(
    z.array(
      z.string().superRefine((v, ctx) => {
        // The same rule as the settings: absolute, no `..`, not `/` nor a pseudo filesystem.
        const bad = imageRootProblem(v);
        if (bad) ctx.addIssue({ code: 'custom', message: `directory ${v.slice(0, 200)} ${bad}` });
      }),
    ),
  );

const Isolation = z.enum(ISOLATION_MODES, {
  error: `must be one of ${ISOLATION_MODES.join(', ')}`,
});

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'share');
  return join(base, 'mpqemu-studio');
}

function parseFlags(
  argv: readonly string[],
): Record<string, string | boolean | string[] | undefined> {
  if (argv.some((a) => a === '--token' || a.startsWith('--token='))) {
    throw new ConfigError(
      '--token is not accepted: command lines are visible to every local user. Set MPQEMU_TOKEN or use the token file.',
    );
  }
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        qemu: { type: 'string' },
        'image-root': { type: 'string', multiple: true },
        isolation: { type: 'string' },
        'liveness-interval': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    throw new ConfigError(`${(e as Error).message}\n\n${USAGE}`);
  }
}

function check<T>(setting: string, schema: z.ZodType<T, string>, raw: string, secret = false): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'is invalid';
  // A rejected token may still be the user's real one: never echo it.
  throw new ConfigError(
    secret ? `${setting} ${message}` : `${setting} ${message} (got "${raw.slice(0, 200)}")`,
  );
}

/** Reads the configuration; throws ConfigError naming the first bad setting. `help` asks for USAGE. */
export function loadConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string = process.cwd(),
): Config | 'help' {
  const flags = parseFlags(argv);
  if (flags.help === true) return 'help';
  const pick = (flag: string, name: string): [string, string] | undefined => {
    const fromFlag = flags[flag];
    if (typeof fromFlag === 'string') return [`--${flag}`, fromFlag];
    const fromEnv = env[name];
    return fromEnv === undefined ? undefined : [name, fromEnv];
  };
  const host = pick('host', 'MPQEMU_HOST');
  const port = pick('port', 'MPQEMU_PORT');
  const qemu = pick('qemu', 'MPQEMU_QEMU');
  const dataDir = pick('data-dir', 'MPQEMU_DATA_DIR');
  const token = env.MPQEMU_TOKEN;
  const isolation = pick('isolation', 'MPQEMU_ISOLATION');
  const liveness = pick('liveness-interval', 'MPQEMU_LIVENESS_INTERVAL');
  const rootFlags = flags['image-root'];
  const roots = Array.isArray(rootFlags)
    ? (['--image-root', rootFlags.join(':')] as const)
    : env.MPQEMU_IMAGE_ROOTS === undefined
      ? undefined
      : (['MPQEMU_IMAGE_ROOTS', env.MPQEMU_IMAGE_ROOTS] as const);
  return {
    host: host ? check(host[0], Host, host[1]) : DEFAULT_HOST,
    port: port ? check(port[0], Port, port[1]) : DEFAULT_PORT,
    qemu: qemu ? check(qemu[0], Qemu, qemu[1]) : DEFAULT_QEMU,
    qemuExplicit: qemu !== undefined,
    // A relative --data-dir means what it means in a shell: relative to where we were started.
    dataDir: dataDir ? resolve(cwd, check(dataDir[0], Dir, dataDir[1])) : defaultDataDir(env),
    token: token === undefined ? undefined : check('MPQEMU_TOKEN', Token, token, true),
    imageRoots: roots === undefined ? [] : check(roots[0], ImageRoots, roots[1]),
    isolation: isolation ? check(isolation[0], Isolation, isolation[1]) : DEFAULT_ISOLATION,
    livenessIntervalMs: liveness
      ? check(liveness[0], LivenessInterval, liveness[1])
      : DEFAULT_LIVENESS_INTERVAL_MS,
  };
}
