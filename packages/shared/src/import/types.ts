import type { Topology } from '../schema.ts';
import type { SourceSpan } from './shell-words.ts';

/** A word of the pasted text, to highlight: its index among all words and where it sits. */
export interface WordRef {
  index: number;
  text: string;
  span: SourceSpan;
}

export type ImportSeverity = 'error' | 'warning' | 'info';

export interface ImportIssue {
  /**
   * `error`: the text is wrong (syntax, a value that cannot be read): no topology is given until
   * it is fixed; `warning`: something was changed, guessed or left out (then it is also an extra
   * argument); `info`: an option mpqemu writes itself (sockets, display) was recognised.
   */
  severity: ImportSeverity;
  message: string;
  /** The word it is about, when there is one. */
  word?: WordRef;
  /** Where to highlight in the pasted text: the word's span, or a spot inside it. */
  span?: SourceSpan;
}

/**
 * Arguments the importer did not understand. They are shown to the user and never launched: the
 * server rebuilds every argv from the document and accepts no option strings.
 */
export interface ExtraArg {
  /** `main` or the remote process id the argument came from. */
  process: string;
  /** The argv words, as QEMU would have received them. */
  words: string[];
  reason: string;
  word: WordRef;
}

export interface ImportResult {
  /** Null when the text has errors (an unterminated quote, bad JSON, no QEMU option…). */
  topology: Topology | null;
  extraArgs: ExtraArg[];
  issues: ImportIssue[];
}
