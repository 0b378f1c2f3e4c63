import type { FieldError } from '@mpqemu/shared';

export type StoreErrorKind = 'invalid-name' | 'not-found' | 'exists' | 'broken';

/** A refusal of the topology store, with a message meant for the user. */
export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    /** For `broken`: what is wrong with the file, field by field. */
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
