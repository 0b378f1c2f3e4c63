/**
 * The docs and the source comments name only paths that exist (the rule is in named-paths.ts).
 * A path moved or deleted must take the words that name it along.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingNamedPaths, namedPaths, proseOf } from './named-paths.ts';

const REPO = join(import.meta.dirname, '..', '..');
const TOPS = ['apps', 'docs', 'packages'];

const paths = (text: string): string[] => namedPaths(text, TOPS).map((p) => p.path);

describe('what counts as a named path', () => {
  it('takes backticked and plain tokens under a top-level folder, without trailing punctuation', () => {
    expect(paths('see `docs/live.md`, and apps/server/src/main.ts.')).toEqual([
      'docs/live.md',
      'apps/server/src/main.ts',
    ]);
    expect(paths('(docs/qemu-facts.md: "Live changes"); packages/shared/')).toEqual([
      'docs/qemu-facts.md',
      'packages/shared',
    ]);
  });

  it('leaves relative paths, URLs, other folders and patterns alone', () => {
    expect(
      paths(
        '../shared/docs/x.md src/apps/x.ts https://qemu.org/docs/a.html scripts/x.sh ' +
          'packages/*/src apps/server/dist/<name>.js docs/${name}.md',
      ),
    ).toEqual([]);
  });

  it('checks each alternative of a brace group', () => {
    expect(paths('apps/web/src/a.{ts,tsx}')).toEqual(['apps/web/src/a.ts', 'apps/web/src/a.tsx']);
  });

  it('reads the comments of a source file, never its code or strings', () => {
    const source = [
      "const a = 'docs/in-a-string.md'; // docs/in-a-line-comment.md",
      'const re = /\\/\\/ docs\\/in-a-regex/;',
      '/** docs/in-a-block.md */',
      'const t = `// docs/in-a-template.md`;',
      'function f() {',
      '  return 1;',
      '  // docs/before-a-brace.md',
      '}',
    ].join('\n');
    const prose = proseOf('x.ts', source).flatMap((p) => paths(p.text));
    expect(prose).toEqual([
      'docs/in-a-line-comment.md',
      'docs/in-a-block.md',
      'docs/before-a-brace.md',
    ]);
    const jsx = 'export const A = () => <p>{/* docs/in-jsx.md */}docs/in-text.md</p>;';
    expect(proseOf('x.tsx', jsx).flatMap((p) => paths(p.text))).toEqual(['docs/in-jsx.md']);
    const shell = '#!/usr/bin/env bash\necho "$#" docs/in-code.md # docs/in-shell.md\n';
    expect(proseOf('x.sh', shell).flatMap((p) => paths(p.text))).toEqual(['docs/in-shell.md']);
  });
});

describe('missingNamedPaths', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function repoWith(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'mpq-named-paths-'));
    dirs.push(root);
    execFileSync('git', ['init', '--quiet'], { cwd: root });
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(root, dirname(file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    return root;
  }

  it('names each stale path with its file and line; build outputs git ignores are fine', () => {
    const root = repoWith({
      '.gitignore': 'dist/\n',
      'README.md': 'Intro.\n\nSee `docs/a.md`, `docs/gone.md` and apps/web/dist/index.html.\n',
      'docs/a.md': 'Code in apps/web/src/main.ts.\n',
      'apps/web/src/main.ts':
        "// Built into apps/web/dist; see docs/old.md\nexport const x = 'docs/nope.md';\n",
    });
    expect(missingNamedPaths(root)).toEqual([
      { file: 'README.md', line: 3, path: 'docs/gone.md' },
      { file: 'apps/web/src/main.ts', line: 1, path: 'docs/old.md' },
    ]);
  });

  it('finds none in this repository', () => {
    expect(missingNamedPaths(REPO)).toEqual([]);
  });
});
