/**
 * From shell words to QEMU invocations: which word is a binary, which a flag, which the flag's
 * argument. A pasted text may hold several command lines, or bare option lines (the upstream doc
 * shows the main QEMU's proxy options without a binary); those are kept as headless commands.
 */
import type { ShellCommand, ShellWord } from './shell-words.ts';

/** A shell word plus its position among all the words of the paste. */
export interface Word extends ShellWord {
  index: number;
}

export interface QemuOption {
  /** Normalised flag (`--m` → `-m`). */
  flag: string;
  flagWord: Word;
  arg: Word | null;
}

export interface QemuCommand {
  /** argv[0], or null for a line of options without a binary. */
  binary: Word | null;
  options: QemuOption[];
  /** Words that are neither a flag nor a flag's argument (stray values, `sudo`, `env X=y`). */
  stray: Word[];
}

/** Flags QEMU 7.2 takes without an argument; every other flag takes exactly one. */
const NO_ARG = new Set([
  '-nodefaults',
  '-no-user-config',
  '-enable-kvm',
  '-nographic',
  '-S',
  '-s',
  '-snapshot',
  '-no-reboot',
  '-no-shutdown',
  '-daemonize',
  '-no-hpet',
  '-no-acpi',
  '-full-screen',
  '-no-fd-bootchk',
  '-only-migratable',
  '-preconfig',
  '-win2k-hack',
  '-curses',
  '-version',
  '-help',
  '-h',
]);

function takesArgument(flag: string): boolean {
  return !NO_ARG.has(flag);
}

function isBinary(word: string): boolean {
  const base = word.slice(word.lastIndexOf('/') + 1);
  return /^qemu(-system-[a-z0-9_]+|-kvm)?$/.test(base) || base === 'kvm';
}

/** The tools of our jail's wrapper (plan/jail.ts): each runs the next word after its `--`. */
const WRAPPERS = new Set(['setpriv', 'prlimit', 'bwrap']);

/**
 * Where QEMU's own words start: past a jail wrapper such as ours (`setpriv … -- prlimit … --
 * bwrap … -- qemu-system-x86_64 …`), whose options are not QEMU's.
 */
function afterWrappers(words: readonly Word[]): number {
  let i = 0;
  for (;;) {
    const word = words[i]?.text ?? '';
    if (!WRAPPERS.has(word.slice(word.lastIndexOf('/') + 1))) return i;
    const end = words.findIndex((w, j) => j > i && w.text === '--');
    if (end < 0) return i;
    i = end + 1;
  }
}

/** Groups each shell command's words into QEMU commands (one per binary). */
export function toQemuCommands(shell: readonly ShellCommand[]): QemuCommand[] {
  const out: QemuCommand[] = [];
  let index = 0;
  for (const sc of shell) {
    const words: Word[] = sc.words.map((w) => ({ ...w, index: index++ }));
    let current: QemuCommand | null = null;
    for (let i = afterWrappers(words); i < words.length; i++) {
      const word = words[i];
      if (!word) continue;
      if (!word.text.startsWith('-') || word.text === '-') {
        if (isBinary(word.text)) {
          current = { binary: word, options: [], stray: [] };
          out.push(current);
        } else {
          current ??= pushHeadless(out);
          current.stray.push(word);
        }
        continue;
      }
      current ??= pushHeadless(out);
      const flag = word.text.startsWith('--') ? word.text.slice(1) : word.text;
      let arg: Word | null = null;
      if (takesArgument(flag)) {
        arg = words[i + 1] ?? null;
        if (arg) i++;
      }
      current.options.push({ flag, flagWord: word, arg });
    }
  }
  return out;
}

function pushHeadless(out: QemuCommand[]): QemuCommand {
  const cmd: QemuCommand = { binary: null, options: [], stray: [] };
  out.push(cmd);
  return cmd;
}
