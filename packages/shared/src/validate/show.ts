import { isValidId } from '../ids.ts';
import { LONE_SURROGATE, UNSAFE_CHAR } from './paths.ts';

const MAX_SHOWN = 40;
/** Characters a message must not carry raw: the same ones a path or command line may not hold. */
const UNSAFE = new RegExp(`${UNSAFE_CHAR.source}|${LONE_SURROGATE.source}`, 'gu');

/** Replaces every character that could rewrite a terminal or a page with a visible `\uXXXX`. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * User text as a problem message shows it. Messages reach the UI and terminals (`mpqemu`), and the
 * text is hostile until validated: a valid id stands as it is, anything else is quoted, escaped
 * and cut to a readable length.
 */
export function show(text: string): string {
  if (isValidId(text)) return text;
  const cut = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
  return `"${escapeUnsafe(cut.replaceAll('\\', '\\\\').replaceAll('"', '\\"'))}"`;
}
