import type { FieldError, Problem } from '@mpqemu/shared';
import { isTRPCClientError } from '@trpc/client';

/** A message for the user from whatever a call threw (tRPC error, network failure, anything). */
export function errorMessage(error: unknown): string {
  if (isTRPCClientError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

interface ErrorDetails {
  fieldErrors: FieldError[];
  problems: Problem[];
}

/**
 * The machine-readable details the server adds to an error (`data.details`): the validator's
 * problems of a refused start, the field errors of a broken document. Empty lists otherwise.
 */
export function errorDetails(error: unknown): ErrorDetails {
  const empty: ErrorDetails = { fieldErrors: [], problems: [] };
  if (!isTRPCClientError(error)) return empty;
  const data: unknown = error.data;
  if (typeof data !== 'object' || data === null || !('details' in data)) return empty;
  const details = data.details as Partial<ErrorDetails> | null;
  return {
    fieldErrors: Array.isArray(details?.fieldErrors) ? details.fieldErrors : [],
    problems: Array.isArray(details?.problems) ? details.problems : [],
  };
}
