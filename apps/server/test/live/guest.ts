/** Asking the test guest about its PCI devices through the serial console. */
import type { RunManager } from '../../src/runs/types.ts';
import { waitForConsole } from '../runs/helpers.ts';

let sequence = 1000;

/**
 * Runs a shell snippet that sets `$v`, then prints it behind a marker the echoed input cannot
 * contain (`R$((n+0))` prints `Rn`). Resolves with `$v`, whitespace collapsed.
 */
async function ask(manager: RunManager, runId: string, snippet: string): Promise<string> {
  const n = ++sequence;
  manager.consoleInput(runId, `${snippet}; echo "R$((${n}+0)):" $v ":E"\n`);
  const out = await waitForConsole(manager, runId, new RegExp(`R${n}:([^\\n]*):E`), 90_000);
  const match = new RegExp(`R${n}:([^\\n]*):E`).exec(out);
  return (match?.[1] ?? '').trim();
}

/**
 * Vendor and device id of `bdf` (`0000:00:05.0`) read from its live config space (sysfs's
 * `vendor` file is a copy taken at enumeration; `config` goes to the device). Waits in the
 * guest up to 20 s for `want`; returns what it read last (`ffff ffff` from a dead device, `none`
 * when the guest has no such device).
 */
export function guestReadsId(
  manager: RunManager,
  runId: string,
  bdf: string,
  want: string,
): Promise<string> {
  const f = `/sys/bus/pci/devices/${bdf}/config`;
  return ask(
    manager,
    runId,
    `i=0; v=none; while [ $i -lt 100 ]; do v=$(od -An -tx2 -N4 ${f} 2>/dev/null || echo none); [ "$(echo $v)" = "${want}" ] && break; sleep 0.2; i=$((i+1)); done`,
  );
}

/** Waits in the guest up to 20 s for `bdf` to disappear; resolves with `gone` or `present`. */
export function guestLosesDevice(manager: RunManager, runId: string, bdf: string): Promise<string> {
  const d = `/sys/bus/pci/devices/${bdf}`;
  return ask(
    manager,
    runId,
    `i=0; v=present; while [ $i -lt 100 ]; do [ -e ${d} ] || { v=gone; break; }; sleep 0.2; i=$((i+1)); done`,
  );
}

/** Reads `bdf`'s config space `times` times (each read of a dead proxy floods the main log). */
export function guestPokes(manager: RunManager, runId: string, bdf: string, times: number) {
  const f = `/sys/bus/pci/devices/${bdf}/config`;
  return ask(
    manager,
    runId,
    `i=0; while [ $i -lt ${times} ]; do od -An -tx2 -N4 ${f} >/dev/null 2>&1; i=$((i+1)); done; v=$i`,
  );
}
