/** How the CLI words load errors and validation problems: one per line, greppable. */
import type { FieldError, Problem } from '@mpqemu/shared';
import type { CliIo } from './io.ts';

/** `file: path: message`, one per line, for load errors. */
export function formatFieldErrors(file: string, errors: readonly FieldError[]): string {
  return errors.map((e) => `${file}: ${e.path === '' ? '' : `${e.path}: `}${e.message}`).join('\n');
}

/** `error  code  path: message` (path `-` for the whole document). */
export function formatProblem(p: Problem): string {
  return `${p.severity}\t${p.code}\t${p.path === '' ? '-' : p.path}: ${p.message}`;
}

/** Each problem on its own line of stderr (nothing for none). */
export function reportProblems(problems: readonly Problem[], io: CliIo): void {
  for (const p of problems) io.stderr(`${formatProblem(p)}\n`);
}
