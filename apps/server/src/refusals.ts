/**
 * The one table from the services' refusals to tRPC codes. Procedures throw the services' own
 * errors; the base procedure's middleware (trpc.ts) passes each through here once.
 */
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import { DoctorBusy } from './doctor/service.ts';
import { ImageCreateError } from './images/create.ts';
import { ImageLimitReached, QemuImgMissing } from './images/service.ts';
import { QemuNotFoundError } from './probe/index.ts';
import { ConsoleRefused } from './runs/serial-console.ts';
import { LiveFailed, LiveRefused, QmpRefused, StartRefused, UnknownRun } from './runs/types.ts';
import { StoreError } from './store/errors.ts';
import { SettingsError } from './store/settings.ts';

/** What the client is told: a code and a message. */
export interface Refusal {
  code: TRPC_ERROR_CODE_KEY;
  message: string;
}

const STORE_CODES = {
  'invalid-name': 'BAD_REQUEST',
  'not-found': 'NOT_FOUND',
  exists: 'CONFLICT',
  broken: 'UNPROCESSABLE_CONTENT',
} as const;

const IMAGE_CREATE_CODES = {
  invalid: 'BAD_REQUEST',
  exists: 'CONFLICT',
  failed: 'INTERNAL_SERVER_ERROR',
} as const;

/**
 * The code and message of a refusal of the store, the probe, the launcher, the image library,
 * the settings or the doctor; null for anything else (a fault, left to tRPC).
 */
export function refusalOf(e: unknown): Refusal | null {
  if (e instanceof StoreError) return { code: STORE_CODES[e.kind], message: e.message };
  if (e instanceof StartRefused) return { code: 'BAD_REQUEST', message: e.message };
  if (e instanceof UnknownRun) return { code: 'NOT_FOUND', message: e.message };
  if (e instanceof LiveRefused) return { code: 'PRECONDITION_FAILED', message: e.message };
  // Tried and failed half-way: the server's fault as far as the client can tell.
  if (e instanceof LiveFailed) return { code: 'INTERNAL_SERVER_ERROR', message: e.message };
  if (e instanceof QmpRefused) {
    const code = e.kind === 'not-allowed' ? 'BAD_REQUEST' : 'PRECONDITION_FAILED';
    return { code, message: e.message };
  }
  // Not connected (yet, or any more): a state of the run, not a server fault.
  if (e instanceof ConsoleRefused) return { code: 'PRECONDITION_FAILED', message: e.message };
  if (e instanceof QemuNotFoundError || e instanceof QemuImgMissing)
    return { code: 'PRECONDITION_FAILED', message: e.message };
  // Both name the input field at fault, so the form can show it there.
  if (e instanceof ImageCreateError)
    return { code: IMAGE_CREATE_CODES[e.kind], message: `${e.field}: ${e.message}` };
  if (e instanceof SettingsError)
    return { code: 'BAD_REQUEST', message: `imageRoots.${e.index}: ${e.message}` };
  if (e instanceof DoctorBusy) return { code: 'CONFLICT', message: e.message };
  if (e instanceof ImageLimitReached) return { code: 'TOO_MANY_REQUESTS', message: e.message };
  return null;
}
