/**
 * Runs of topologies. The client sends a document, never argv: the launcher plans the command
 * lines from the validated document itself.
 */
import { QmpOperationSchema, TopologySchema, type RunInfo } from '@mpqemu/shared';
import * as z from 'zod';
import { MAX_CONSOLE_INPUT } from '../runs/serial-console.ts';
import { UnknownRun } from '../runs/types.ts';
import { feedProcedure, publicProcedure, router } from '../trpc.ts';
import { RunIdSchema, TopologyNameSchema } from './inputs.ts';

// Unknown runs and processes are the launcher's to refuse (UnknownRun, NOT_FOUND): the procedures
// below only pass ids through. The feeds look the run up when called, so an unknown one is
// refused before its feed starts.
const RunRef = z.strictObject({ runId: RunIdSchema });

/** tRPC gives subscriptions a signal on every transport; a caller without one never aborts. */
function signalOf(signal: AbortSignal | undefined): AbortSignal {
  return signal ?? new AbortController().signal;
}

export const runsRouter = router({
  start: publicProcedure
    .input(
      z.strictObject({
        topology: TopologySchema,
        topologyName: TopologyNameSchema.optional(),
        acknowledged: z.array(z.string().max(200)).max(1000).default([]),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.runs.start(input.topology, {
        ...(input.topologyName === undefined ? {} : { topologyName: input.topologyName }),
        acknowledged: input.acknowledged,
      }),
    ),
  /**
   * Resolves when no process is left. `force` skips the guest's power-down; sent while a stop
   * waits for the guest, it makes that same stop quit QEMU at once.
   */
  stop: publicProcedure
    .input(z.strictObject({ runId: RunIdSchema, force: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => ctx.runs.stop(input.runId, { force: input.force })),
  list: publicProcedure.query(({ ctx }) => ctx.runs.list()),
  get: publicProcedure.input(RunRef).query(({ ctx, input }): RunInfo => {
    const run = ctx.runs.get(input.runId);
    if (!run) throw new UnknownRun(input.runId);
    return run;
  }),
  events: feedProcedure
    .input(z.strictObject({ runId: RunIdSchema.optional() }).default({}))
    .subscription(({ ctx, input, signal }) =>
      ctx.runs.events(input.runId ?? null, signalOf(signal)),
    ),
  logs: feedProcedure
    .input(z.strictObject({ runId: RunIdSchema, process: z.string().min(1).max(128) }))
    .subscription(({ ctx, input, signal }) =>
      ctx.runs.logs(input.runId, input.process, signalOf(signal)),
    ),
  console: feedProcedure
    .input(RunRef)
    .subscription(({ ctx, input, signal }) => ctx.runs.console(input.runId, signalOf(signal))),
  /** PRECONDITION_FAILED while the guest's console is not connected (yet, or any more). */
  consoleInput: publicProcedure
    .input(z.strictObject({ runId: RunIdSchema, data: z.string().min(1).max(MAX_CONSOLE_INPUT) }))
    .mutation(({ ctx, input }) => {
      ctx.runs.consoleInput(input.runId, input.data);
      return { ok: true as const };
    }),
  /**
   * One allow-listed QMP operation on a process of a running VM. A mutation even for the queries:
   * it talks to a live VM, and some ops act on it; queries of this API stay free of effects.
   */
  qmp: publicProcedure
    .input(
      z.strictObject({
        runId: RunIdSchema,
        process: z.string().min(1).max(128),
        op: QmpOperationSchema,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.runs.qmp(input.runId, input.process, input.op);
      return { runId: input.runId, process: input.process, op: input.op, result };
    }),
  /**
   * A still of the VM's screen (QMP screendump, converted to PNG by the server). A mutation: it
   * has QEMU write a file. Refused (PRECONDITION_FAILED) without a display or a running VM.
   */
  screenshot: publicProcedure.input(RunRef).mutation(async ({ ctx, input }) => {
    const shot = await ctx.runs.screenshot(input.runId);
    return { width: shot.width, height: shot.height, pngBase64: shot.png.toString('base64') };
  }),
  /** Replaces a remote process without rebooting the guest (docs/live.md); resolves when it is back. */
  restartProcess: publicProcedure
    .input(z.strictObject({ runId: RunIdSchema, process: z.string().min(1).max(128) }))
    .mutation(({ ctx, input }) => ctx.runs.restartProcess(input.runId, input.process)),
  /** What `applyLive` would do with this document: live changes and what needs a VM restart. */
  diffLive: publicProcedure
    .input(z.strictObject({ runId: RunIdSchema, topology: TopologySchema }))
    .query(({ ctx, input }) => ctx.runs.diffLive(input.runId, input.topology)),
  /**
   * Applies the edited document to the running VM when every difference applies live; refuses
   * (PRECONDITION_FAILED, the reasons in the message) otherwise, changing nothing.
   */
  applyLive: publicProcedure
    .input(
      z.strictObject({
        runId: RunIdSchema,
        topology: TopologySchema,
        acknowledged: z.array(z.string().max(200)).max(1000).default([]),
      }),
    )
    .mutation(({ ctx, input }) =>
      ctx.runs.applyLive(input.runId, input.topology, { acknowledged: input.acknowledged }),
    ),
  stats: feedProcedure
    .input(RunRef)
    .subscription(({ ctx, input, signal }) => ctx.runs.stats(input.runId, signalOf(signal))),
});
