/**
 * The probe cache on disk: `<data dir>/capabilities.json`, private (0600), written atomically.
 * Anything can be in that file by the time we read it (a crash, an older version, a user's edit),
 * so it is validated with zod and an entry is used only when its key matches the host exactly;
 * anything else is ignored and the binary is probed again.
 */
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { writeFileAtomic } from '../store/atomic.ts';
import type { BinaryProbe } from './binary-probe.ts';
import { HostIdentity, HostKey } from './host-key.ts';
import type { KvmCheck } from './kvm.ts';

const CACHE_FILE = 'capabilities.json';
/** A few binaries (the server's, a CLI user's MPQEMU_QEMU) without letting the file grow. */
const MAX_ENTRIES = 8;
const MAX_BYTES = 4 * 1024 * 1024;

const BinaryProbeSchema = z.object({
  binary: z.string(),
  versionLine: z.string(),
  version: z.string().nullable(),
  remote: z.boolean(),
  memfd: z.boolean(),
  sandbox: z.boolean(),
  machines: z.array(z.string()),
  devices: z.array(z.string()),
  tcg: z.boolean(),
  kvm: z.boolean(),
  deviceProperties: z.record(z.string(), z.array(z.string())),
  proxyProperties: z.array(z.string()),
  durationMs: z.number(),
  probedAt: z.number(),
}) satisfies z.ZodType<BinaryProbe>;

const KvmCheckSchema = z.object({
  usable: z.boolean(),
  method: z.enum(['kernel-boot', 'firmware', 'none']),
  reason: z.string().optional(),
  durationMs: z.number(),
}) satisfies z.ZodType<KvmCheck>;

const Entry = z.object({ key: HostKey, probe: BinaryProbeSchema, kvm: KvmCheckSchema.optional() });
export type CacheEntry = z.infer<typeof Entry>;

const CacheFile = z.object({ format: z.literal(1), entries: z.array(Entry) });

/** The cache's path under `dataDir`. */
function cacheFilePath(dataDir: string): string {
  return join(dataDir, CACHE_FILE);
}

/** Every valid entry of the file; none when it is missing, unreadable, too big or malformed. */
export async function readCache(dataDir: string): Promise<CacheEntry[]> {
  let text: string;
  try {
    // O_NOFOLLOW: the data dir is ours; a symlink planted there must not make us read elsewhere.
    const handle = await open(cacheFilePath(dataDir), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const st = await handle.stat();
      if (!st.isFile() || st.size > MAX_BYTES) return [];
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return [];
  }
  try {
    const parsed = CacheFile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.entries : [];
  } catch {
    return [];
  }
}

/** The entry whose key is exactly `key`, if any. */
export function findEntry(entries: readonly CacheEntry[], key: HostKey): CacheEntry | undefined {
  const wanted = JSON.stringify(HostKey.parse(key));
  return entries.find((e) => JSON.stringify(HostKey.parse(e.key)) === wanted);
}

/** The entry for this binary, kernel and /dev/kvm, whatever version it recorded. */
export function findByIdentity(
  entries: readonly CacheEntry[],
  identity: HostIdentity,
): CacheEntry | undefined {
  const wanted = JSON.stringify(HostIdentity.parse(identity));
  return entries.find((e) => JSON.stringify(HostIdentity.parse(e.key)) === wanted);
}

/** Stores `entry` in place of any other for the same binary, newest first. */
export async function writeCacheEntry(dataDir: string, entry: CacheEntry): Promise<void> {
  const others = (await readCache(dataDir)).filter((e) => e.key.binary !== entry.key.binary);
  const file = { format: 1, entries: [entry, ...others].slice(0, MAX_ENTRIES) };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(cacheFilePath(dataDir), `${JSON.stringify(file)}\n`, { overwrite: true });
}
