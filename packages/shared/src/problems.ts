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

/**
 * The validator's problems plus the host check's (files on the server's host), in that order. A
 * host problem about a field the validator already faults (an empty or relative path) adds
 * nothing and is dropped, so each mistake is said once.
 */
export function withHostProblems(
  problems: readonly Problem[],
  host: readonly Problem[],
): Problem[] {
  const faulted = new Set(problems.filter((p) => p.severity === 'error').map((p) => p.path));
  return [...problems, ...host.filter((p) => p.path === '' || !faulted.has(p.path))];
}
