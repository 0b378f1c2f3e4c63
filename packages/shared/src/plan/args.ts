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
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return escapeClassic(v);
  throw new Error('nested value has no classic form here');
}

/** `lsi53c895a,id=lsi0` — lists of `{str}` (hostfwd) become repeated keys, as QEMU allows. */
export function toClassic(arg: Extract<PlanArg, { kind: 'props' }>): string {
  const parts: string[] = [];
  for (const [key, v] of Object.entries(arg.props)) {
    if (key === arg.implied) {
      parts.unshift(classicScalar(v));
    } else if (Array.isArray(v)) {
      for (const item of v) {
        const str =
          typeof item === 'object' && item !== null && !Array.isArray(item) ? item.str : item;
        parts.push(`${key}=${classicScalar(str ?? null)}`);
      }
    } else {
      parts.push(`${key}=${classicScalar(v)}`);
    }
  }
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

/** The same options in classic syntax, for people (one string per argv element). */
export function toReadableArgv(args: readonly PlanArg[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    out.push(arg.flag);
    if (arg.kind === 'value') out.push(arg.value);
    else if (arg.kind === 'props') out.push(toClassic(arg));
  }
  return out;
}
