/**
 * An independent reader of the argv we hand QEMU, written from QEMU 7.2's own parsing rules
 * rather than from the planner: `lookup_opt` takes the next element as the argument of any
 * option that has one, whatever it looks like; QemuOpts/keyval split `key=value` pairs at a single
 * comma (`,,` is a literal comma) and give a first part without `=` to the implied key; an
 * argument that starts with `{` is JSON.
 */

/** The options our plans use, and whether each takes an argument (`HAS_ARG` in qemu-options.hx). */
const TAKES_ARG: Readonly<Record<string, boolean>> = {
  '-machine': true,
  '-accel': true,
  '-smp': true,
  '-m': true,
  '-name': true,
  '-nodefaults': false,
  '-no-user-config': false,
  '-display': true,
  '-vnc': true,
  '-sandbox': true,
  '-monitor': true,
  '-serial': true,
  '-chardev': true,
  '-mon': true,
  '-object': true,
  '-device': true,
  '-blockdev': true,
  '-netdev': true,
  '-kernel': true,
  '-initrd': true,
  '-append': true,
};

export interface ReadOption {
  flag: string;
  arg?: string;
}

/** Walks argv (without argv[0]) the way QEMU does; throws on anything QEMU would not read as ours. */
export function readOptions(argv: readonly string[]): ReadOption[] {
  const out: ReadOption[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const takes = TAKES_ARG[flag];
    if (takes === undefined) throw new Error(`argv[${i + 1}] ${JSON.stringify(flag)} is no option`);
    if (!takes) {
      out.push({ flag });
      continue;
    }
    const arg = argv[++i];
    if (arg === undefined) throw new Error(`${flag} has no argument`);
    out.push({ flag, arg });
  }
  return out;
}

/** `a=b,,c,d` → [['a', 'b,c'], ['d', …]]; the first part without `=` goes to `implied`. */
export function readClassic(text: string, implied?: string): [string, string][] {
  const pairs: [string, string][] = [];
  let i = 0;
  const value = (): string => {
    let v = '';
    while (i < text.length) {
      if (text[i] === ',') {
        if (text[i + 1] !== ',') break;
        i++;
      }
      v += text.charAt(i);
      i++;
    }
    return v;
  };
  while (i <= text.length) {
    const rest = text.slice(i);
    const stop = rest.search(/[=,]/);
    const first = pairs.length === 0;
    if (stop === -1 || rest[stop] === ',') {
      if (first && implied !== undefined) pairs.push([implied, value()]);
      else {
        // A bare word is a boolean flag to QemuOpts: still a key, and one we did not write.
        const end = stop === -1 ? rest.length : stop;
        pairs.push([rest.slice(0, end), 'on']);
        i += end;
      }
    } else {
      const key = rest.slice(0, stop);
      i += stop + 1;
      pairs.push([key, value()]);
    }
    if (i >= text.length) break;
    i++; // the separating comma
  }
  return pairs;
}

/** JSON argv element → its object; throws unless it is a plain JSON object. */
export function readJson(text: string): Record<string, unknown> {
  if (!text.startsWith('{')) throw new Error(`not JSON: ${text.slice(0, 80)}`);
  const v: unknown = JSON.parse(text);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
  return v as Record<string, unknown>;
}
