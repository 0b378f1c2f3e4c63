import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The design-token rules of apps/web: components paint with var(--…) only, every token used is
 * defined, and the light theme redefines tokens and nothing else (a component selector there
 * would win over the component's own states by specificity, as .btn:hover once did over
 * .btn--primary:hover).
 */

const SRC = join(import.meta.dirname, '..');
const DARK = 'styles/tokens.css';
const LIGHT = 'shell/theme-light.css';
const TOKEN_FILES: Record<string, string> = {
  [DARK]: ':root',
  [LIGHT]: "html[data-theme='light']",
};

interface Declaration {
  property: string;
  value: string;
}
interface Rule {
  prelude: string;
  declarations: Declaration[];
  rules: Rule[];
}

/** A small CSS reader: rules (nested at-rules too) and their declarations, comments dropped. */
function parseCss(css: string): Rule {
  const src = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const root: Rule = { prelude: '', declarations: [], rules: [] };
  const stack = [root];
  let text = '';
  for (let i = 0; i < src.length; i++) {
    const c = src.charAt(i);
    const top = stack[stack.length - 1] ?? root;
    if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new Error('unterminated string');
      text += src.slice(i, end + 1);
      i = end;
    } else if (c === '{') {
      const rule: Rule = { prelude: text.trim(), declarations: [], rules: [] };
      top.rules.push(rule);
      stack.push(rule);
      text = '';
    } else if (c === ';' || c === '}') {
      const colon = text.indexOf(':');
      if (colon > 0 && !text.trim().startsWith('@')) {
        top.declarations.push({
          property: text.slice(0, colon).trim(),
          value: text.slice(colon + 1).trim(),
        });
      }
      text = '';
      if (c === '}') stack.pop();
    } else {
      text += c;
    }
  }
  if (stack.length !== 1) throw new Error('unbalanced braces');
  return root;
}

function* walk(rule: Rule): Generator<Rule> {
  yield rule;
  for (const r of rule.rules) yield* walk(r);
}
const declarations = (root: Rule) => [...walk(root)].flatMap((r) => r.declarations);

const HEX = /#[0-9a-f]{3,8}\b/i;
const COLOUR_FUNCTION = /\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/i;
const COLOUR_PROPERTY =
  /^(?:color|background(?:-color)?|border(?:-(?:top|right|bottom|left))?(?:-color)?|outline(?:-color)?|fill|stroke|(?:box|text)-shadow|text-decoration(?:-color)?|caret-color|accent-color|column-rule(?:-color)?)$/;
/** The words a colour-bearing value may hold besides tokens: anything else is a named colour. */
const NOT_COLOURS = new Set(
  [
    ['var', 'color-mix', 'in', 'srgb', 'transparent', 'currentcolor'],
    ['inherit', 'initial', 'unset', 'revert', 'none', 'important'],
    ['solid', 'dashed', 'dotted', 'double', 'inset', 'line-through', 'underline', 'overline'],
  ].flat(),
);

/** `file: property: value` for each colour written out rather than taken from a token. */
function colourLiterals(file: string, root: Rule): string[] {
  return declarations(root)
    .filter(({ property, value }) => {
      if (HEX.test(value) || COLOUR_FUNCTION.test(value)) return true;
      if (!COLOUR_PROPERTY.test(property) && !property.startsWith('--')) return false;
      const words = value.replace(/--[\w-]+|-?[\d.]+[a-z%]*/gi, '').match(/[a-z][a-z-]*/gi);
      return (words ?? []).some((w) => !NOT_COLOURS.has(w.toLowerCase()));
    })
    .map(({ property, value }) => `${file}: ${property}: ${value}`);
}

/** Rules of a token file that are not its one token block of custom properties. */
function notTokens(file: string, root: Rule, selector: string): string[] {
  const found: string[] = root.declarations.map((d) => `${file}: ${d.property} outside a rule`);
  for (const rule of root.rules) {
    if (rule.prelude !== selector || rule.rules.length > 0) found.push(`${file}: ${rule.prelude}`);
    for (const { property } of rule.declarations) {
      if (!property.startsWith('--') && property !== 'color-scheme')
        found.push(`${file}: ${rule.prelude} { ${property} }`);
    }
  }
  return found;
}

const defined = (root: Rule) =>
  declarations(root)
    .map((d) => d.property)
    .filter((p) => p.startsWith('--'));

/** Custom properties read with var(--…), or named in a string (`cssToken(el, '--term-bg')`). */
function used(source: string): string[] {
  const vars = [...source.matchAll(/var\(\s*(--[\w-]+)/g)].map((m) => m[1] ?? '');
  const named = [...source.matchAll(/['"`](--[a-z][\w-]*)['"`]/g)].map((m) => m[1] ?? '');
  return [...vars, ...named];
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => pattern.test(f))
    .map((f) => join(dir, f));
}

const cssFiles = filesUnder(SRC, /\.css$/).map((path) => {
  const name = relative(SRC, path);
  return { name, root: parseCss(readFileSync(path, 'utf8')) };
});
const scripts = filesUnder(SRC, /\.tsx?$/)
  .filter((f) => !/\.test\.tsx?$/.test(f))
  .map((path) => ({ name: relative(SRC, path), text: readFileSync(path, 'utf8') }));
/** Library stylesheets the app imports (React Flow's, xterm's): their variables are defined too. */
const libraryCss = [
  ...new Set(
    scripts.flatMap((s) =>
      [...s.text.matchAll(/^import '(@[^']+\.css)';/gm)].map((m) => m[1] ?? ''),
    ),
  ),
].map((name) => parseCss(readFileSync(createRequire(import.meta.url).resolve(name), 'utf8')));
const tokenFile = (name: string) => {
  const file = cssFiles.find((f) => f.name === name);
  if (!file) throw new Error(`no ${name}`);
  return file.root;
};

describe('the checks themselves', () => {
  it('find colour literals, named colours, non-token rules and the variables a source reads', () => {
    const css = parseCss(
      '.a:hover { color: #fff; border: 1px solid rgb(0 0 0 / 5%); } .b { background: red; fill: var(--x, transparent) }',
    );
    expect(colourLiterals('c.css', css)).toEqual([
      'c.css: color: #fff',
      'c.css: border: 1px solid rgb(0 0 0 / 5%)',
      'c.css: background: red',
    ]);
    const light = parseCss(
      "html[data-theme='light'] { --bg: #fff; color-scheme: light } html[data-theme='light'] .b { --x: 0; color: #000 }",
    );
    expect(notTokens('l.css', light, "html[data-theme='light']")).toEqual([
      "l.css: html[data-theme='light'] .b",
      "l.css: html[data-theme='light'] .b { color }",
    ]);
    expect(used(".a { fill: var(--x, var( --y)) } cssToken(el, '--z') `--not a token`")).toEqual([
      '--x',
      '--y',
      '--z',
    ]);
    expect(defined(light)).toEqual(['--bg', '--x']);
  });
});

describe('design tokens (apps/web/src)', () => {
  it('reads every stylesheet of the app (token files among them) and the libraries it imports', () => {
    expect(cssFiles.length).toBeGreaterThan(20);
    expect(cssFiles.map((f) => f.name)).toEqual(expect.arrayContaining(Object.keys(TOKEN_FILES)));
    expect(libraryCss.flatMap(defined)).toContain('--xy-edge-stroke-default');
  });

  it('writes colours out only in the token files, in CSS and in TypeScript', () => {
    const inCss = cssFiles
      .filter((f) => !(f.name in TOKEN_FILES))
      .flatMap((f) => colourLiterals(f.name, f.root));
    const inScripts = scripts.flatMap(({ name, text }) =>
      text
        .split('\n')
        .filter((line) => /['"`]#[0-9a-f]{3,8}['"`]/i.test(line) || COLOUR_FUNCTION.test(line))
        .map((line) => `${name}: ${line.trim()}`),
    );
    expect([...inCss, ...inScripts]).toEqual([]);
  });

  it('keeps the token files to token blocks: custom properties (and color-scheme) only', () => {
    const found = Object.entries(TOKEN_FILES).flatMap(([name, selector]) =>
      notTokens(name, tokenFile(name), selector),
    );
    expect(found).toEqual([]);
  });

  it('lets the light theme redefine tokens only, never invent one', () => {
    const dark = new Set(defined(tokenFile(DARK)));
    expect(defined(tokenFile(LIGHT)).filter((t) => !dark.has(t))).toEqual([]);
  });

  it('uses no variable that is defined nowhere, fallback or not', () => {
    const all = new Set([...cssFiles.map((f) => f.root), ...libraryCss].flatMap(defined));
    const sources = [
      ...cssFiles.map((f) => ({
        name: f.name,
        text: declarations(f.root)
          .map((d) => d.value)
          .join('\n'),
      })),
      ...scripts,
    ];
    const missing = sources.flatMap(({ name, text }) =>
      used(text)
        .filter((v) => !all.has(v))
        .map((v) => `${name}: ${v}`),
    );
    expect(missing).toEqual([]);
  });
});
