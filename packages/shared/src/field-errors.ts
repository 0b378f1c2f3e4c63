import type * as z from 'zod';
import { escapeUnsafe, show } from './validate/show.ts';

export interface FieldError {
  /** Dotted path with indices, e.g. `devices[2].placement.process`; `''` for the whole document. */
  path: string;
  message: string;
}

/** Formats a zod/JSON path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Why a key someone may expect is not there, by `<top-level array>.<key>`. */
const UNKNOWN_KEY_HINTS: Record<string, string> = {
  'drives.placement':
    'a drive has no placement of its own; it runs in the process of the device it is attached to',
};

function unknownKeyMessage(path: readonly PropertyKey[], key: string): string {
  const hint = UNKNOWN_KEY_HINTS[`${String(path[0])}.${key}`];
  const shown = show(key);
  const quoted = shown.startsWith('"') ? shown : `"${shown}"`;
  return `unknown field ${quoted}: ${hint ?? 'not part of this version of the document'}`;
}

/**
 * One error per problem field. An unknown key is reported at its own path
 * (`drives[0].placement`), not at the object holding it, so the field is named where it sits.
 */
export function zodErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: escapeUnsafe(formatPath([...issue.path, key])),
          message: unknownKeyMessage(issue.path, key),
        }))
      : // Keys are document text too (a `layout` entry, an unknown field): never raw in a message.
        [{ path: escapeUnsafe(formatPath(issue.path)), message: escapeUnsafe(issue.message) }],
  );
}
