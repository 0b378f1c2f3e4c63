/**
 * Loading a document from outside (a file, an upload, a request): migrate older versions, then
 * check the shape. Errors name the field (`devices[2].model`) and say what is allowed.
 */
import { zodErrors, type FieldError } from './field-errors.ts';
import { TOPOLOGY_VERSION, TopologySchema, type Topology } from './schema.ts';
import { MIGRATIONS } from './migrations.ts';

export type LoadResult =
  { ok: true; topology: Topology; migratedFrom?: number } | { ok: false; errors: FieldError[] };

/** Parses JSON text and loads it; a syntax error is reported like any other field error. */
export function loadTopologyText(text: string): LoadResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      errors: [{ path: '', message: `not valid JSON: ${(e as Error).message}` }],
    };
  }
  return loadTopology(raw);
}

/** Migrates any known version to the current one, then validates the shape. */
export function loadTopology(raw: unknown): LoadResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ path: '', message: 'a topology must be a JSON object' }] };
  }
  const version = (raw as { version?: unknown }).version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return {
      ok: false,
      errors: [{ path: 'version', message: `must be an integer from 1 to ${TOPOLOGY_VERSION}` }],
    };
  }
  if (version > TOPOLOGY_VERSION) {
    return {
      ok: false,
      errors: [
        {
          path: 'version',
          message: `version ${version} is newer than this mpqemu studio understands (up to ${TOPOLOGY_VERSION})`,
        },
      ],
    };
  }
  let doc: unknown = raw;
  for (let v = version; v < TOPOLOGY_VERSION; v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate)
      return { ok: false, errors: [{ path: 'version', message: `no migration from ${v}` }] };
    const step = migrate(doc);
    if (!step.ok) return step;
    doc = step.doc;
  }
  const parsed = TopologySchema.safeParse(doc);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  return version === TOPOLOGY_VERSION
    ? { ok: true, topology: parsed.data }
    : { ok: true, topology: parsed.data, migratedFrom: version };
}
