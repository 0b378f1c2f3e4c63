/**
 * One QEMU option, kept structured so that the launch argv and the readable command line are two
 * renderings of the same thing and cannot drift apart.
 */
export type OptionValue =
  string | number | boolean | null | OptionValue[] | { [key: string]: OptionValue };

export type PlanArg =
  /** A flag alone: `-nodefaults`. */
  | { kind: 'flag'; flag: string }
  /** A flag and one literal argv element that QEMU does not parse further: `-kernel PATH`. */
  | { kind: 'value'; flag: string; value: string }
  /**
   * A flag with `key=value` properties. `json` says whether QEMU 7.2 accepts JSON for this flag
   * (`-device`, `-object`, `-blockdev`, `-netdev`); then the launch argv uses JSON and no value
   * can ever be read as a second key. `implied` is the key written bare first in classic syntax.
   */
  | {
      kind: 'props';
      flag: string;
      json: boolean;
      implied?: string;
      props: Record<string, OptionValue>;
    };

export const flag = (f: string): PlanArg => ({ kind: 'flag', flag: f });
export const value = (f: string, v: string): PlanArg => ({ kind: 'value', flag: f, value: v });
export const json = (f: string, implied: string, props: Record<string, OptionValue>): PlanArg => ({
  kind: 'props',
  flag: f,
  json: true,
  implied,
  props,
});
export const classic = (
  f: string,
  props: Record<string, OptionValue>,
  implied?: string,
): PlanArg =>
  implied === undefined
    ? { kind: 'props', flag: f, json: false, props }
    : { kind: 'props', flag: f, json: false, implied, props };

/** In QEMU's classic option syntax a comma inside a value is written twice. */
export function escapeClassic(text: string): string {
  return text.replaceAll(',', ',,');
}

function classicScalar(v: OptionValue): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return escapeClassic(v);
  // `backing=null` would name a node called "null" (measured on 7.2): classic syntax has no null.
  throw new Error('this value has no classic form');
}

/** A `[{ str }]` list, which QEMU's classic syntax writes as the key repeated (`hostfwd=`). */
function strList(v: OptionValue): string[] | null {
  if (!Array.isArray(v)) return null;
  const out: string[] = [];
  for (const item of v) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return null;
    const keys = Object.keys(item);
    const str = item.str;
    if (keys.length !== 1 || typeof str !== 'string') return null;
    out.push(str);
  }
  return out;
}

function isClassicScalar(v: OptionValue): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/**
 * Whether `toClassic` can say these properties exactly: scalars and `[{ str }]` lists only.
 * `null` and nested objects (a blockdev's `"backing": null`) have no classic spelling.
 */
export function hasClassicForm(arg: Extract<PlanArg, { kind: 'props' }>): boolean {
  return Object.entries(arg.props).every(([key, v]) =>
    key === arg.implied ? typeof v === 'string' : isClassicScalar(v) || strList(v) !== null,
  );
}

/**
 * `lsi53c895a,id=lsi0` — lists of `{str}` (hostfwd) become repeated keys, as QEMU allows.
 * Throws for a value with no classic form (see `hasClassicForm`).
 */
export function toClassic(arg: Extract<PlanArg, { kind: 'props' }>): string {
  const parts: string[] = [];
  let head: string | null = null;
  for (const [key, v] of Object.entries(arg.props)) {
    const list = strList(v);
    // A bare first value containing `=` would be read as a key, so such a value is spelled out.
    if (key === arg.implied && typeof v === 'string' && v !== '' && !v.includes('=')) {
      head = escapeClassic(v);
    } else if (list !== null) {
      for (const str of list) parts.push(`${key}=${escapeClassic(str)}`);
    } else {
      parts.push(`${key}=${classicScalar(v)}`);
    }
  }
  if (head !== null) parts.unshift(head);
  return parts.join(',');
}

/** The argv elements QEMU is started with: JSON wherever QEMU accepts it. */
export function toLaunchArgv(args: readonly PlanArg[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    out.push(arg.flag);
    if (arg.kind === 'value') out.push(arg.value);
    else if (arg.kind === 'props') out.push(arg.json ? JSON.stringify(arg.props) : toClassic(arg));
  }
  return out;
}

/** One option's value for people: classic syntax, or JSON where classic cannot say it exactly. */
export function readableValue(arg: Extract<PlanArg, { kind: 'props' }>): string {
  return arg.json && !hasClassicForm(arg) ? JSON.stringify(arg.props) : toClassic(arg);
}

/**
 * The same options as QEMU would read them, in classic syntax where it can say them exactly, for
 * people (one string per argv element).
 */
export function toReadableArgv(args: readonly PlanArg[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    out.push(arg.flag);
    if (arg.kind === 'value') out.push(arg.value);
    else if (arg.kind === 'props') out.push(readableValue(arg));
  }
  return out;
}
