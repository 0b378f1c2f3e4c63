/**
 * Runs of topologies. The client sends a document, never argv: the launcher plans the command
 * lines from the validated document itself.
 */
import { QmpOperationSchema, TopologySchema, type RunInfo } from '@mpqemu/shared';
import { TRPCError } from '@trpc/server';
import * as z from 'zod';
import { MAX_CONSOLE_INPUT } from '../runs/serial-console.ts';
import { UnknownRun } from '../runs/types.ts';
import { publicProcedure, router } from '../trpc.ts';
import { mapErrors, mapFeed, toTRPCError } from './errors.ts';
import { RunIdSchema, TopologyNameSchema } from './inputs.ts';

// Unknown runs and processes are the launcher's to refuse (UnknownRun, mapped to NOT_FOUND): the
// procedures below only pass ids through.
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
      mapErrors(() =>
        ctx.runs.start(input.topology, {
          ...(input.topologyName === undefined ? {} : { topologyName: input.topologyName }),
          acknowledged: input.acknowledged,
        }),
      ),
    ),
  /**
   * Resolves when no process is left. `force` skips the guest's power-down; sent while a stop
   * waits for the guest, it makes that same stop quit QEMU at once.
   */
  stop: publicProcedure
    .input(z.strictObject({ runId: RunIdSchema, force: z.boolean().default(false) }))
    .mutation(({ ctx, input }) =>
      mapErrors(() => ctx.runs.stop(input.runId, { force: input.force })),
    ),
  list: publicProcedure.query(({ ctx }) => ctx.runs.list()),
  get: publicProcedure.input(RunRef).query(({ ctx, input }): RunInfo => {
    const run = ctx.runs.get(input.runId);
    if (!run) throw toTRPCError(new UnknownRun(input.runId));
    return run;
  }),
  events: publicProcedure
    .input(z.strictObject({ runId: RunIdSchema.optional() }).default({}))
    .subscription(async function* ({ ctx, input, signal }) {
      yield* mapFeed(() => ctx.runs.events(input.runId ?? null, signalOf(signal)));
    }),
  logs: publicProcedure
    .input(z.strictObject({ runId: RunIdSchema, process: z.string().min(1).max(128) }))
    .subscription(async function* ({ ctx, input, signal }) {
      yield* mapFeed(() => ctx.runs.logs(input.runId, input.process, signalOf(signal)));
    }),
  console: publicProcedure.input(RunRef).subscription(async function* ({ ctx, input, signal }) {
    yield* mapFeed(() => ctx.runs.console(input.runId, signalOf(signal)));
  }),
  consoleInput: publicProcedure
    .input(z.strictObject({ runId: RunIdSchema, data: z.string().min(1).max(MAX_CONSOLE_INPUT) }))
    .mutation(({ ctx, input }) => {
      try {
        ctx.runs.consoleInput(input.runId, input.data);
      } catch (e) {
        // Not connected (yet, or any more): a state of the run, not a server fault.
        if (e instanceof UnknownRun || !(e instanceof Error)) throw toTRPCError(e);
        throw new TRPCError({ code: 'PRECONDITION_FAILED', message: e.message, cause: e });
      }
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
      const result = await mapErrors(() => ctx.runs.qmp(input.runId, input.process, input.op));
      return { runId: input.runId, process: input.process, op: input.op, result };
    }),
  /** Replaces a remote process without rebooting the guest (docs/live.md); resolves when it is back. */
  restartProcess: publicProcedure
    .input(z.strictObject({ runId: RunIdSchema, process: z.string().min(1).max(128) }))
    .mutation(({ ctx, input }) =>
      mapErrors(() => ctx.runs.restartProcess(input.runId, input.process)),
    ),
  /** What `applyLive` would do with this document: live changes and what needs a VM restart. */
  diffLive: publicProcedure
    .input(z.strictObject({ runId: RunIdSchema, topology: TopologySchema }))
    .query(({ ctx, input }) =>
      mapErrors(() => Promise.resolve(ctx.runs.diffLive(input.runId, input.topology))),
    ),
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
      mapErrors(() =>
        ctx.runs.applyLive(input.runId, input.topology, { acknowledged: input.acknowledged }),
      ),
    ),
  stats: publicProcedure.input(RunRef).subscription(async function* ({ ctx, input, signal }) {
    yield* mapFeed(() => ctx.runs.stats(input.runId, signalOf(signal)));
  }),
});
