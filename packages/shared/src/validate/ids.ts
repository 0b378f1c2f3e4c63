import { ID_RULE_TEXT, isValidId } from '../ids.ts';
import type { ValidationContext } from './context.ts';

/** QEMU id syntax, and uniqueness across processes, devices and drives (they share argv space). */
export function checkIds(ctx: ValidationContext): void {
  const seen = new Map<string, string>();
  const visit = (id: string, path: string) => {
    if (!isValidId(id)) {
      const shown = id.length > 40 ? `${JSON.stringify(id.slice(0, 40))}…` : JSON.stringify(id);
      ctx.report('error', 'id.invalid', `id ${shown} is not allowed: an id ${ID_RULE_TEXT}`, path, [
        id,
      ]);
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
