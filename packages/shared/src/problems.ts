export type Severity = 'error' | 'warning';

/**
 * One finding of the validator. `path` points into the document (`devices[3].slot`), `nodeIds`
 * at the canvas nodes to badge (document ids, or VM_NODE_ID for the VM itself).
 */
export interface Problem {
  severity: Severity;
  /** Stable machine-readable code, e.g. `remote.multiple-devices`. */
  code: string;
  message: string;
  path: string;
  nodeIds: string[];
}

/** Canvas/problem id of the VM (the main QEMU). Not a valid document id, so it cannot collide. */
export const VM_NODE_ID = '$vm';

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
