/**
 * The importer's working state: every QEMU option parsed once, with the process it belongs to,
 * and the sinks for issues and extra arguments. Each option is either consumed by a rule or, at
 * the end, reported as an extra argument: nothing is dropped silently.
 */
import { parseOpts, type Props } from './qemu-opts.ts';
import type { QemuOption, Word } from './commands.ts';
import type { ExtraArg, ImportIssue, ImportSeverity, WordRef } from './types.ts';

export interface ParsedOption {
  option: QemuOption;
  /** Parsed properties for flags with `key=value` syntax; null for plain values or on error. */
  props: Props | null;
  json: boolean;
  consumed: boolean;
}

export interface ProcessDraft {
  /** `main` or the remote process id (assigned once names are known). */
  name: string;
  role: 'main' | 'remote';
  options: ParsedOption[];
  /** Words in flag position that are no flag. */
  stray: Word[];
}

/** Flags whose argument is `key=value,...` (or JSON) rather than one literal value. */
const PROPS_FLAGS = new Set([
  '-device',
  '-object',
  '-blockdev',
  '-netdev',
  '-machine',
  '-chardev',
  '-accel',
  '-smp',
  '-drive',
  '-name',
  '-mon',
  '-sandbox',
]);

const FLAG_ALIASES: Record<string, string> = { '-M': '-machine' };

export class ImportContext {
  readonly issues: ImportIssue[] = [];
  readonly extraArgs: ExtraArg[] = [];

  constructor(private readonly text: string) {}

  ref(word: Word): WordRef {
    return { index: word.index, text: word.text, span: word.span };
  }

  issue(severity: ImportSeverity, message: string, word?: Word): void {
    this.issues.push(
      word ? { severity, message, word: this.ref(word), span: word.span } : { severity, message },
    );
  }

  /** A problem at `offset` inside an option word: the span is moved past an opening quote. */
  issueInWord(severity: ImportSeverity, message: string, word: Word, offset: number): void {
    const quoted = `'"`.includes(this.text[word.span.start] ?? '');
    const start = Math.min(word.span.start + offset + (quoted ? 1 : 0), word.span.end);
    const span = {
      start,
      end: word.span.end,
      line: word.span.line,
      column: word.span.column + (start - word.span.start),
    };
    this.issues.push({ severity, message, word: this.ref(word), span });
  }

  /** Warns about the properties of `props` outside `known`: they do not reach the document. */
  ignoredKeys(props: Props, known: readonly string[], what: string, at?: Word): void {
    const odd = Object.keys(props).filter((k) => !known.includes(k));
    if (odd.length > 0) this.issue('warning', `${what}: ignored ${odd.join(', ')}`, at);
  }

  extra(process: string, option: ParsedOption, reason: string): void {
    option.consumed = true;
    const { flagWord, arg } = option.option;
    this.extraWords(process, arg ? [flagWord, arg] : [flagWord], reason);
  }

  /** Words kept visible as an extra argument of `process`, never launched. */
  extraWords(process: string, words: Word[], reason: string): void {
    const at = words[words.length - 1] ?? words[0];
    if (!at) return;
    const texts = words.map((w) => w.text);
    this.extraArgs.push({ process, words: texts, reason, word: this.ref(at) });
    this.issue('warning', `not imported (${reason}): ${texts.join(' ')}`, at);
  }

  /** Parses an option's properties once, reporting syntax errors at the exact column. */
  parse(option: QemuOption): ParsedOption {
    const flag = FLAG_ALIASES[option.flag] ?? option.flag;
    const normalised = { ...option, flag };
    if (!PROPS_FLAGS.has(flag) || option.arg === null) {
      return { option: normalised, props: null, json: false, consumed: false };
    }
    const parsed = parseOpts(flag, option.arg.text);
    if (!parsed.ok) {
      this.issueInWord('error', `${flag}: ${parsed.message}`, option.arg, parsed.offset);
      return { option: normalised, props: null, json: false, consumed: false };
    }
    if (!parsed.json && endsWithLoneComma(option.arg.text)) {
      // QEMU ignores it as we do, but the user should know the text was not taken verbatim.
      this.issueInWord(
        'info',
        `${flag}: trailing comma ignored`,
        option.arg,
        Math.max(0, option.arg.text.length - 1),
      );
    }
    return { option: normalised, props: parsed.props, json: parsed.json, consumed: false };
  }
}

/** `a=1,` but not `a=1,,` (an escaped comma in the value). */
function endsWithLoneComma(text: string): boolean {
  const commas = text.length - text.replace(/,+$/, '').length;
  return commas % 2 === 1;
}

/** Options of one process with a given flag that no rule has consumed yet. */
export function pending(draft: ProcessDraft, flag: string): ParsedOption[] {
  return draft.options.filter((o) => !o.consumed && o.option.flag === flag);
}

interface PendingIndex {
  /** The option count it was built for: rebuilt if options were added since. */
  length: number;
  /** `flag NUL key` → property value → options, in order. */
  byKey: Map<string, Map<string, ParsedOption[]>>;
}

const indexes = new WeakMap<ProcessDraft, PendingIndex>();

/**
 * The first option of `flag` no rule has consumed whose property `key` is `value` (a netdev by
 * its id, a node by its node-name). Through an index built once per draft: a scan of every
 * option for every device made an import of thousands of devices quadratic.
 */
export function pendingWith(
  draft: ProcessDraft,
  flag: string,
  key: string,
  value: string,
): ParsedOption | undefined {
  let index = indexes.get(draft);
  if (index?.length !== draft.options.length) {
    index = { length: draft.options.length, byKey: new Map() };
    indexes.set(draft, index);
  }
  const slot = `${flag}\u0000${key}`;
  let byValue = index.byKey.get(slot);
  if (!byValue) {
    byValue = new Map();
    for (const o of draft.options) {
      const v = o.option.flag === flag ? o.props?.[key] : undefined;
      if (typeof v !== 'string') continue;
      const list = byValue.get(v);
      if (list) list.push(o);
      else byValue.set(v, [o]);
    }
    index.byKey.set(slot, byValue);
  }
  return byValue.get(value)?.find((o) => !o.consumed);
}
