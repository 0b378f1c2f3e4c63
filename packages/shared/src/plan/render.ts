import type { PlanArg } from './args.ts';
import { readableValue } from './args.ts';
import { describeRestartPolicy } from '../live/restart-policy.ts';
import type { PlannedJail } from './jail.ts';
import type { LaunchPlan, PlannedProcess } from './types.ts';

export interface ReadableCommand {
  name: string;
  role: 'remote' | 'main';
  /** One sentence on what this process is and which fds it inherits. */
  title: string;
  /** A shell-quoted command line, continued with `\` one option per line, ready to paste. */
  line: string;
}

export interface ReadablePlan {
  /** The orchestrator's steps in words, in order. */
  steps: string[];
  commands: ReadableCommand[];
}

/**
 * POSIX shell quoting, as Python's `shlex.quote`: words made only of characters no shell treats
 * specially stay bare, everything else is single-quoted. We do not use `shell-quote` because it
 * backslash-escapes `,` `=` and `:`, which fill every QEMU option and make the lines unreadable.
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/** The command word: a bare `A=b` there would be a variable assignment, not a program. */
function quoteCommand(word: string): string {
  const quoted = shellQuote(word);
  return quoted === word && word.includes('=') ? `'${word}'` : quoted;
}

/**
 * One line per option, its value beside it. Paired from the structured options, never guessed
 * from the words: a value may itself look like a flag (`-append -v`).
 */
function optionLines(binary: string, args: readonly PlanArg[], wrapper: readonly string[]): string {
  const lines = [...wrapperLines(wrapper), quoteCommand(binary)];
  for (const arg of args) {
    if (arg.kind === 'flag') lines.push(shellQuote(arg.flag));
    else {
      const v = arg.kind === 'value' ? arg.value : readableValue(arg);
      lines.push(`${shellQuote(arg.flag)} ${shellQuote(v)}`);
    }
  }
  return lines.join(' \\\n    ');
}

/**
 * The jail's wrapper, one tool per line and each of its options on a line of its own, ending in
 * the `--` that hands over to the next word; empty when there is no wrapper.
 */
function wrapperLines(wrapper: readonly string[]): string[] {
  const lines: string[] = [];
  let current: string[] = [];
  let first = true;
  for (const word of wrapper) {
    if (word.startsWith('--') && word !== '--' && !first) {
      lines.push(current.join(' '));
      current = [];
    }
    current.push(first ? quoteCommand(word) : shellQuote(word));
    first = word === '--';
    if (word === '--') {
      lines.push(current.join(' '));
      current = [];
    }
  }
  if (current.length > 0) lines.push(current.join(' '));
  return lines;
}

/** The jail in a few words, for a process's title. */
export function describeJail(jail: PlannedJail): string {
  if (!jail.confined) return `UNCONFINED: ${jail.unconfinedBecause ?? 'no jail'}`;
  const who = jail.hostId === null ? "the server's uid" : `uid ${jail.hostId}`;
  const net = jail.networkBecause === null ? 'no network' : `host network (${jail.networkBecause})`;
  return `jailed: ${who}, own namespaces, read-only /usr only, ${net}`;
}

function fdText(p: PlannedProcess, spares: readonly number[]): string {
  const texts = Object.entries(p.fds).map(([fd, dev]) => `fd ${fd} = ${dev}'s socketpair end`);
  if (spares.length > 0) texts.push(`${spareText(spares)} for restarts and hot-plug`);
  texts.push(`fd ${p.qmpFd} = its QMP monitor`);
  if (p.serialFd !== null) texts.push(`fd ${p.serialFd} = the guest's serial console`);
  for (const [fd, f] of Object.entries(p.files ?? {})) {
    texts.push(`fd ${fd} = ${f.path} opened ${f.write ? 'read-write' : 'read-only'}`);
  }
  return texts.join(', ');
}

function spareText(spares: readonly number[]): string {
  const first = spares[0] ?? 0;
  const last = spares[spares.length - 1] ?? 0;
  return spares.length === 1
    ? `fd ${first} = a spare socketpair end`
    : `fds ${first}-${last} = ${spares.length} spare socketpair ends`;
}

/** The plan for people: the orchestration steps and one command line per process. */
export function renderReadable(plan: LaunchPlan): ReadablePlan {
  const steps: string[] = [];
  if (plan.channels.length > 0) {
    steps.push(
      `Create ${plan.channels.length} unix stream socketpair${plan.channels.length > 1 ? 's' : ''}, one per proxied device: ` +
        plan.channels
          .map((c) => `${c.device} (remote ${c.remote} fd ${c.remoteFd} ↔ main fd ${c.mainFd})`)
          .join('; ') +
        '.',
    );
    steps.push(
      'Start each remote process with its end of the socketpair as the fd shown; it waits for the main QEMU.',
    );
    steps.push(
      'Start the main QEMU with the other ends; guest RAM is a memfd backend so the remote processes can map it.',
    );
    steps.push(
      "Close the orchestrator's own copies of every end, so that each side sees EOF when the other exits.",
    );
  } else {
    steps.push('No device is proxied: start the main QEMU alone.');
  }
  if (plan.processes.some((p) => Object.keys(p.files ?? {}).length > 0)) {
    steps.push(
      'Open every image, kernel and initrd once (no symbolic link as the last component), check the opened file lies in an image root, and pass it to its QEMU at the fd shown; QEMU never opens these names itself.',
    );
  }
  if (plan.spares.length > 0) {
    steps.push(
      `Keep ${plan.spares.length} spare socketpair${plan.spares.length > 1 ? 's' : ''} (${spareText(plan.spares)} of the main QEMU): each restart of a device process or hot-added device uses one up; the orchestrator holds the other ends until then.`,
    );
  }
  if (plan.processes.some((p) => p.jail.confined)) {
    steps.push(
      'Start each process in its own jail, as its wrapper shows: setpriv gives it a uid of its own (when the orchestrator is root), no groups, and death with the orchestrator; prlimit its limits; bwrap its own user, mount, pid, ipc, uts and network namespaces, no capabilities, and an empty root with read-only /usr, a minimal /dev, its own /proc and a private /tmp. Every file it needs arrives as a descriptor.',
    );
  }
  steps.push(
    "Hold the other end of each process's QMP monitor (and of the serial console) from the start: QEMU never listens on a socket file; wait for each monitor to answer qmp_capabilities and a query.",
  );
  const commands = plan.processes.map((p) => ({
    name: p.name,
    role: p.role,
    title:
      p.role === 'remote'
        ? `Remote process ${p.name}: emulates ${p.devices.join(', ')} (${fdText(p, [])}); ${describeRestartPolicy(p.restart ?? { mode: 'never' })}; ${describeJail(p.jail)}`
        : `Main QEMU (${fdText(p, plan.spares)}); ${describeJail(p.jail)}`,
    line: optionLines(p.argv[0] ?? 'qemu-system-x86_64', p.args, p.jail.wrapper),
  }));
  return { steps, commands };
}

/** The whole readable plan as one text, for `mpqemu print` and "copy all". */
export function renderReadableText(plan: LaunchPlan): string {
  const { steps, commands } = renderReadable(plan);
  const out = ['# Orchestration', ...steps.map((s, i) => `#  ${i + 1}. ${s}`), ''];
  for (const c of commands) out.push(`# ${c.title}`, c.line, '');
  return out.join('\n');
}
