/** The errors of live changes, thrown by the runtime's steps and mapped to answers by each front end. */
import type { Problem } from '@mpqemu/shared';

/** A live change that was not tried: the run, the process or the document does not allow it. */
export class LiveRefused extends Error {
  constructor(
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'LiveRefused';
  }
}

/** A live change that was tried and failed at a step (named in the message and the run's steps). */
export class LiveFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveFailed';
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
