/** How a refused start is put into words: one problem for the host, or a summary of many. */
import type { Problem } from '@mpqemu/shared';
import { StartRefused } from './types.ts';

/** A start refused for one reason of the host (not of a node), under `code`. */
export function refusal(message: string, code: string): StartRefused {
  return new StartRefused(message, [
    { severity: 'error', code, message, path: '', nodeIds: ['$vm'] } satisfies Problem,
  ]);
}

/** The first problem's words, and how many more there are: a refusal's message stays one line. */
export function summarize(problems: readonly Problem[]): string {
  const first = problems[0]?.message ?? '';
  return problems.length === 1 ? first : `${first} (and ${problems.length - 1} more)`;
}
