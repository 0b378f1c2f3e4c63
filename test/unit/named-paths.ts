/**
 * The repository paths that the docs and the source comments name, and which of them do not exist.
 *
 * The rule for what is a path:
 * - Where: every Markdown file (README.md, docs/*.md) in full, and the comments of the source files
 *   (TypeScript and JavaScript through TypeScript's own comment ranges, shell `#` comments, CSS and
 *   JSONC comments). Code and its strings are not read: they are checked by running them.
 * - What: a token that starts with a top-level folder of the repository (apps/, packages/, scripts/,
 *   docs/, e2e/, bench/, examples/, test/: the folders of the tracked files) and goes on with
 *   letters, digits, `_ . - @ /` and `{a,b}` alternatives (each alternative is checked). It must not
 *   follow a letter, digit or one of `_ . - @ /`, so `../shared/NOTES.md`, `src/apps/x` and URLs
 *   are not ones. Trailing `. , : ;` are punctuation. A token followed by `*`, `<`, `$`, `[` or `…`
 *   is a pattern or a placeholder and is skipped.
 * - Exists: a file in the repository (tracked, or new and not ignored) or a folder holding one; or
 *   a path git ignores, which the build makes (apps/web/dist, apps/server/dist/main.js).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** A path named at `file:line` that does not exist. */
export interface NamedPath {
  file: string;
  line: number;
  path: string;
}

const PATH_CHARS = String.raw`(?:[\w.@/-]|\{[\w.@,/-]*\})`;
const PATTERN_AFTER = /^[*<$[…]/;

/** `a/{b,c}.ts` → `a/b.ts`, `a/c.ts`. */
function expandBraces(path: string): string[] {
  const open = /\{([^}]*)\}/.exec(path);
  if (!open) return [path];
  const [whole, inner = ''] = open;
  const before = path.slice(0, open.index);
  const after = path.slice(open.index + whole.length);
  return inner.split(',').flatMap((alt) => expandBraces(`${before}${alt}${after}`));
}

/** The paths `text` names under the top-level folders `tops`, with the offset of each. */
export function namedPaths(text: string, tops: readonly string[]): { path: string; at: number }[] {
  if (tops.length === 0) return [];
  const re = new RegExp(String.raw`(?<![\w.@/-])(?:${tops.join('|')})/${PATH_CHARS}*`, 'g');
  const found: { path: string; at: number }[] = [];
  for (const match of text.matchAll(re)) {
    if (PATTERN_AFTER.test(text.slice(match.index + match[0].length))) continue;
    const token = match[0].replace(/[.,:;]+$/, '').replace(/\/$/, '');
    for (const path of expandBraces(token)) found.push({ path, at: match.index });
  }
  return found;
}

/** Each comment of a TypeScript, JavaScript or JSONC file, with its offset. */
function scriptComments(file: string, text: string): { text: string; at: number }[] {
  const kind = file.endsWith('.tsx')
    ? ts.ScriptKind.TSX
    : file.endsWith('.jsonc')
      ? ts.ScriptKind.JSON
      : /\.[cm]?js$/.test(file)
        ? ts.ScriptKind.JS
        : ts.ScriptKind.TS;
  const source = ts.createSourceFile(
    file,
    text,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    false,
    kind,
  );
  const seen = new Set<number>();
  const comments: { text: string; at: number }[] = [];
  const visit = (node: ts.Node): void => {
    const ranges = [
      ...(ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []),
      ...(ts.getTrailingCommentRanges(text, node.getEnd()) ?? []),
    ];
    for (const range of ranges) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      comments.push({ text: text.slice(range.pos, range.end), at: range.pos });
    }
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return comments;
}

/** The files that have prose in them. */
const PROSE_FILE = /\.(md|tsx?|[cm]?js|jsonc|sh|css)$/;

/** The parts of `file` that are prose: all of a Markdown file, the comments of a source file. */
export function proseOf(file: string, text: string): { text: string; at: number }[] {
  if (file.endsWith('.md')) return [{ text, at: 0 }];
  if (/\.(tsx?|[cm]?js|jsonc)$/.test(file)) return scriptComments(file, text);
  if (file.endsWith('.sh')) {
    return [...text.matchAll(/(?<=^|\s)#(?!!).*$/gm)].map((m) => ({ text: m[0], at: m.index }));
  }
  if (file.endsWith('.css')) {
    return [...text.matchAll(/\/\*[\s\S]*?\*\//g)].map((m) => ({ text: m[0], at: m.index }));
  }
  return [];
}

function git(root: string, args: string[], input = ''): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', input, maxBuffer: 64 << 20 });
}

/**
 * Which of `paths` an ignore rule covers, as a file or as a folder (`dist/` matches only a
 * folder, and a path that is not there is not known to be one).
 */
function ignoredPaths(root: string, paths: string[]): Set<string> {
  if (paths.length === 0) return new Set();
  const query = paths.flatMap((p) => [p, `${p}/`]).join('\n');
  let out: string;
  try {
    out = git(root, ['check-ignore', '--no-index', '--stdin'], query);
  } catch (e) {
    // Status 1: none of them is ignored.
    if ((e as { status?: number }).status === 1) return new Set();
    throw e;
  }
  return new Set(out.split('\n').map((p) => p.replace(/\/$/, '')));
}

/** Every path the prose of the repository at `root` names that does not exist. */
export function missingNamedPaths(root: string): NamedPath[] {
  const files = git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(root, f)));
  const exists = new Set(files);
  for (const file of files) {
    for (let i = file.indexOf('/'); i > 0; i = file.indexOf('/', i + 1))
      exists.add(file.slice(0, i));
  }
  const tops = [
    ...new Set(files.filter((f) => f.includes('/')).map((f) => f.slice(0, f.indexOf('/')))),
  ]
    .filter((t) => !t.startsWith('.'))
    .sort();
  const missing: NamedPath[] = [];
  for (const file of files.filter((f) => PROSE_FILE.test(f))) {
    const text = readFileSync(join(root, file), 'utf8');
    // Parsing is the slow part: only files that name a path anywhere are parsed for comments.
    if (namedPaths(text, tops).length === 0) continue;
    for (const prose of proseOf(file, text)) {
      for (const { path, at } of namedPaths(prose.text, tops)) {
        if (exists.has(path)) continue;
        const line = text.slice(0, prose.at + at).split('\n').length;
        missing.push({ file, line, path });
      }
    }
  }
  const ignored = ignoredPaths(
    root,
    missing.map((m) => m.path),
  );
  return missing.filter((m) => !ignored.has(m.path));
}
