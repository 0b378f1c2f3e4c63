/**
 * Doctor results per QEMU binary, in `<data dir>/doctor/`: one file per binary identity (real
 * path, size, mtime, version), written atomically with mode 0600 and validated on every read, so
 * a replaced or upgraded QEMU never inherits another binary's facts.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MeasuredFactsSchema,
  type BinaryIdentity,
  type DoctorReport,
  type MeasuredFacts,
} from '@mpqemu/shared';
import { writeFileAtomic } from '../store/atomic.ts';
import { readStoreFile } from '../store/read-file.ts';

export function doctorDir(dataDir: string): string {
  return join(dataDir, 'doctor');
}

/** The identity of the binary at `path` (already resolved to its real path by the probe). */
export async function binaryIdentity(
  path: string,
  version: string | null,
): Promise<BinaryIdentity> {
  const st = await stat(path);
  return { path, size: st.size, mtimeMs: st.mtimeMs, version };
}

function fileFor(dataDir: string, identity: BinaryIdentity): string {
  const key = createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
  return join(doctorDir(dataDir), `${key}.json`);
}

/** Stores `report` as the facts of `identity`, replacing an earlier run of the same binary. */
export async function saveMeasured(
  dataDir: string,
  identity: BinaryIdentity,
  report: DoctorReport,
  now = new Date(),
): Promise<MeasuredFacts> {
  const facts = MeasuredFactsSchema.parse({
    format: 1,
    identity,
    measuredAt: now.toISOString(),
    report,
  });
  await mkdir(doctorDir(dataDir), { recursive: true, mode: 0o700 });
  await writeFileAtomic(fileFor(dataDir, identity), `${JSON.stringify(facts, null, 2)}\n`, {
    overwrite: true,
  });
  return facts;
}

/**
 * The stored facts of `identity`, or null when doctor never ran on it. A file that is unreadable,
 * broken or about another binary is ignored (the catalogue defaults apply), and `onBad` says why.
 */
export async function loadMeasured(
  dataDir: string,
  identity: BinaryIdentity,
  onBad: (message: string) => void = () => undefined,
): Promise<MeasuredFacts | null> {
  const file = fileFor(dataDir, identity);
  // No symlinks or special files, bounded size: the same rules as the topology store.
  const read = await readStoreFile(file);
  if (!read.ok) {
    if (!read.missing) onBad(`${file} ${read.message}`);
    return null;
  }
  const text = read.text;
  let parsed: ReturnType<typeof MeasuredFactsSchema.safeParse>;
  try {
    parsed = MeasuredFactsSchema.safeParse(JSON.parse(text));
  } catch (e) {
    onBad(`${file}: not JSON: ${(e as Error).message}`);
    return null;
  }
  if (!parsed.success) {
    onBad(
      `${file}: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`,
    );
    return null;
  }
  if (JSON.stringify(parsed.data.identity) !== JSON.stringify(identity)) {
    onBad(`${file}: measured on another binary`);
    return null;
  }
  return parsed.data;
}
