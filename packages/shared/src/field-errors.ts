import type { z } from 'zod';

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

export function zodErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}
