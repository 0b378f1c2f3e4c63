/**
 * `mpqemu doctor` over tRPC: the client names models, machines and a bound, never argv; the
 * server boots its own test guest with each model and streams the results.
 */
import { DEVICE_MODEL_NAMES } from '@mpqemu/shared';
import * as z from 'zod';
import { DEFAULT_CHECK_TIMEOUT_MS, DOCTOR_MACHINES } from '../doctor/run-doctor.ts';
import { feedProcedure, publicProcedure, router } from '../trpc.ts';

const RunInput = z.strictObject({
  models: z
    .array(z.enum(DEVICE_MODEL_NAMES as [string, ...string[]]))
    .min(1)
    .max(DEVICE_MODEL_NAMES.length)
    .default([...DEVICE_MODEL_NAMES]),
  machines: z
    .array(z.enum(DOCTOR_MACHINES))
    .min(1)
    .max(2)
    .default([...DOCTOR_MACHINES]),
  /** Per check: a hanging model ends here. */
  timeoutMs: z.int().min(5_000).max(3_600_000).default(DEFAULT_CHECK_TIMEOUT_MS),
});

export const doctorRouter = router({
  /** The stored measurements of the current QEMU binary, or null when doctor never ran on it. */
  measured: publicProcedure.query(({ ctx }) => ctx.doctor.measured()),
  /** Refused (CONFLICT) at its first value while another run of doctor goes on. */
  run: feedProcedure.input(RunInput).subscription(({ ctx, input, signal }) =>
    ctx.doctor.run(
      {
        models: [...new Set(input.models)],
        machines: [...new Set(input.machines)],
        timeoutMs: input.timeoutMs,
      },
      signal ?? new AbortController().signal,
    ),
  ),
});
