/**
 * The exported launcher's screen folder. The plan names its run directory once, at export
 * (`/tmp/mpqemu-<vm>` by default): two launches of one VM would bind one socket path, the second
 * taking the first one's screen, and another local user could have made that folder first. So
 * each launch serves its screen from a fresh private folder (mkdtemp, 0700) and the main QEMU's
 * `-vnc` is pointed there before it starts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeClassic, SCREEN_DIR, type LaunchPlan } from '@mpqemu/shared';

/** A launch's own screen folder: where its socket is, and how to remove it at the end. */
export interface PrivateScreen {
  socket: string;
  remove(): void;
}

/** Moves the main QEMU's screen socket of `plan` into a fresh private folder (mutates `plan`). */
export function privateScreen(plan: LaunchPlan): PrivateScreen | null {
  const main = plan.processes.find((p) => p.role === 'main');
  if (!main?.vnc) return null;
  const dir = mkdtempSync(join(tmpdir(), 'mpqemu-screen-'));
  mkdirSync(join(dir, SCREEN_DIR), { mode: 0o700 });
  const socket = join(dir, SCREEN_DIR, 'vnc.sock');
  const planned = main.argv.indexOf(`unix:${escapeClassic(main.vnc)}`);
  if (main.argv[planned - 1] !== '-vnc') throw new Error(`the plan's -vnc is not ${main.vnc}`);
  main.argv[planned] = `unix:${escapeClassic(socket)}`;
  // The jail binds the screen folder by path: the new one, not the export's.
  const old = main.vnc.slice(0, main.vnc.lastIndexOf('/'));
  const fresh = join(dir, SCREEN_DIR);
  const wrapper = main.jail.wrapper;
  for (let i = 0; i + 2 < wrapper.length; i++) {
    if (wrapper[i] === '--bind' && wrapper[i + 1] === old) wrapper.splice(i + 1, 2, fresh, fresh);
  }
  for (const p of main.jail.paths) if (p.path === old) p.path = fresh;
  main.vnc = socket;
  return { socket, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
