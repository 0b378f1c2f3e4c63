import { ID_RULE_TEXT, isValidId } from '../ids.ts';
import type { ValidationContext } from './context.ts';
import { show } from './show.ts';

/**
 * The main QEMU is the process named `main` in a plan and in run state, and its QMP socket is
 * `main.qmp` in the run directory: a remote process of that name would take both.
 */
const RESERVED_PROCESS_IDS: readonly string[] = ['main'];

/** QEMU id syntax, and uniqueness across processes, devices and drives (they share argv space). */
export function checkIds(ctx: ValidationContext): void {
  const seen = new Map<string, string>();
  const visit = (id: string, path: string) => {
    if (!isValidId(id)) {
      ctx.report(
        'error',
        'id.invalid',
        `id ${show(id)} is not allowed: an id ${ID_RULE_TEXT}`,
        path,
        [id],
      );
      return;
    }
    if (path.startsWith('processes[') && RESERVED_PROCESS_IDS.includes(id)) {
      ctx.report(
        'error',
        'id.reserved',
        `"${id}" names the main QEMU; give the remote process another id`,
        path,
        [id],
      );
      return;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      ctx.report('error', 'id.duplicate', `id "${id}" is already used by ${first}`, path, [id]);
    } else {
      seen.set(id, path);
    }
  };
  ctx.topology.processes.forEach((p, i) => visit(p.id, `processes[${i}].id`));
  ctx.topology.devices.forEach((d, i) => visit(d.id, `devices[${i}].id`));
  ctx.topology.drives.forEach((d, i) => visit(d.id, `drives[${i}].id`));
}
