/**
 * QEMU's two option syntaxes: classic `key=value,...` (a `,` inside a value is written `,,`, the
 * first bare word is the flag's implied key) and JSON (`{"driver": ...}`), which 7.2 accepts for
 * `-device`, `-object`, `-blockdev` and `-netdev`.
 */
import type { OptionValue } from '../plan/args.ts';
import { jsonErrorOffset } from './json-error-offset.ts';

export type Props = Record<string, OptionValue>;

export type OptsResult =
  | { ok: true; props: Props; json: boolean }
  /** `offset` is the position in the option string where the problem starts. */
  | { ok: false; message: string; offset: number };

/** Keys QEMU lets you repeat (`hostfwd=...,hostfwd=...`); every other repeated key: last wins. */
const REPEATABLE = new Set(['hostfwd', 'guestfwd']);

/** Flags whose classic form nests dotted keys (`file.filename=`), as QEMU's keyval parser does. */
const DOTTED = new Set(['-blockdev']);

/** The key written bare first in classic syntax (`-device lsi53c895a,id=x`). */
const IMPLIED_KEYS: Record<string, string> = {
  '-device': 'driver',
  '-object': 'qom-type',
  '-blockdev': 'driver',
  '-netdev': 'type',
  '-machine': 'type',
  '-chardev': 'backend',
  '-accel': 'accel',
  '-smp': 'cpus',
  '-m': 'size',
  '-name': 'guest',
  '-mon': 'chardev',
  '-display': 'type',
  '-vnc': 'vnc',
  '-sandbox': 'enable',
};

/** Splits classic syntax into `[key, value]` pairs, in order; `,,` is a literal comma. */
function splitClassic(
  text: string,
  implied: string | undefined,
): { ok: true; pairs: [string, string][] } | { ok: false; message: string; offset: number } {
  const pairs: [string, string][] = [];
  let i = 0;
  let first = true;
  while (i < text.length) {
    const start = i;
    let part = '';
    while (i < text.length) {
      if (text[i] === ',') {
        if (text[i + 1] !== ',') break;
        part += ',';
        i += 2;
      } else {
        part += text.charAt(i);
        i++;
      }
    }
    i++;
    // A trailing comma ends the list (`fd=4,` in the upstream doc); QEMU ignores it too.
    if (part === '' && i >= text.length) break;
    if (part === '')
      return { ok: false, message: 'empty option between two commas', offset: start };
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (first && implied !== undefined) pairs.push([implied, part]);
      else pairs.push([part, 'on']);
    } else if (eq === 0) {
      return { ok: false, message: `option "${part}" has no name before "="`, offset: start };
    } else {
      pairs.push([part.slice(0, eq), part.slice(eq + 1)]);
    }
    first = false;
  }
  return { ok: true, pairs };
}

function setDotted(props: Props, key: string, value: string): void {
  const path = key.split('.');
  let node: Props = props;
  for (const part of path.slice(0, -1)) {
    const child = node[part];
    if (typeof child === 'object' && child !== null && !Array.isArray(child)) node = child;
    else node = node[part] = {};
  }
  node[path[path.length - 1] ?? key] = value;
}

/** Parses one option argument of `flag`, JSON when it starts with `{`, classic otherwise. */
export function parseOpts(flag: string, text: string): OptsResult {
  if (text.trimStart().startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { ok: false, message: 'JSON options must be an object', offset: 0 };
      }
      return { ok: true, props: value as Props, json: true };
    } catch (e) {
      return {
        ok: false,
        message: `not valid JSON: ${(e as Error).message}`,
        offset: jsonErrorOffset(text),
      };
    }
  }
  const split = splitClassic(text, IMPLIED_KEYS[flag]);
  if (!split.ok) return split;
  const props: Props = {};
  for (const [key, value] of split.pairs) {
    if (REPEATABLE.has(key)) {
      const list = props[key];
      const item = { str: value };
      props[key] = Array.isArray(list) ? [...list, item] : [item];
    } else if (DOTTED.has(flag) && key.includes('.')) {
      setDotted(props, key, value);
    } else {
      props[key] = value;
    }
  }
  return { ok: true, props, json: false };
}

/** A scalar property as text (JSON numbers and booleans included). */
export function propText(props: Props, key: string): string | undefined {
  const v = props[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** QEMU's boolean spellings; undefined when absent, null when not a boolean. */
export function propBool(props: Props, key: string): boolean | null | undefined {
  const v = props[key];
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return null;
  if (['on', 'yes', 'true'].includes(v)) return true;
  if (['off', 'no', 'false'].includes(v)) return false;
  return null;
}

/** A non-negative integer (decimal or 0x hex); null when present but not one. */
export function propInt(props: Props, key: string): number | null | undefined {
  const v = props[key];
  if (v === undefined) return undefined;
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  if (typeof v !== 'string') return null;
  if (/^\d+$/.test(v)) return Number(v);
  if (/^0x[0-9a-f]+$/i.test(v)) return Number.parseInt(v.slice(2), 16);
  return null;
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};

/** A QEMU size (`2G`, `256M`, `268435456`) in bytes; `defaultUnit` applies to a bare number. */
export function parseSize(text: string, defaultUnit: 'b' | 'm' = 'b'): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?$/i.exec(text.trim());
  if (!match) return null;
  const unit = (match[2] ?? '').toLowerCase();
  const factor = unit === '' ? (UNITS[defaultUnit] ?? 1) : (UNITS[unit] ?? 1);
  const bytes = Number(match[1]) * factor;
  return Number.isFinite(bytes) ? Math.round(bytes) : null;
}
