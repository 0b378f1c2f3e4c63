import {
  DEFAULT_CAPABILITIES,
  TopologySchema,
  hasErrors,
  validate,
  type Capabilities,
  type FieldError,
} from '@mpqemu/shared';
import * as z from 'zod';
import type { Context } from '../context.ts';
import { exportLauncher } from '../launcher/export.ts';
import type { StoreEntry } from '../store/topology-store.ts';
import { publicProcedure, router } from '../trpc.ts';
import { RunIdSchema, TopologyNameSchema } from './inputs.ts';

export type TopologyListItem =
  | {
      ok: true;
      name: string;
      modifiedAt: number;
      vmName: string;
      /** Counts of the validator's findings against the probed host. */
      errors: number;
      warnings: number;
      migratedFrom: number | null;
    }
  | { ok: false; name: string; modifiedAt: number; loadErrors: FieldError[] };

function summarise(entry: StoreEntry, caps: Capabilities): TopologyListItem {
  const { name, modifiedAt, load } = entry;
  if (!load.ok) return { ok: false, name, modifiedAt, loadErrors: load.errors };
  const problems = validate(load.topology, caps);
  const errors = problems.filter((p) => p.severity === 'error').length;
  return {
    ok: true,
    name,
    modifiedAt,
    vmName: load.topology.vm.name,
    errors,
    warnings: problems.length - errors,
    migratedFrom: load.migratedFrom ?? null,
  };
}

/** Listing and saving work without QEMU; counts are then against the measured 7.2 defaults. */
async function capsOrDefault(ctx: Context): Promise<Capabilities> {
  return ctx.capabilities.get().catch(() => DEFAULT_CAPABILITIES);
}

const FromTo = z.strictObject({ from: TopologyNameSchema, to: TopologyNameSchema });

export const topologiesRouter = router({
  list: publicProcedure.query(async ({ ctx }) => {
    const [entries, caps] = await Promise.all([ctx.store.list(), capsOrDefault(ctx)]);
    return entries.map((e) => summarise(e, caps));
  }),
  get: publicProcedure
    .input(z.strictObject({ name: TopologyNameSchema }))
    .query(({ ctx, input }) => ctx.store.get(input.name)),
  save: publicProcedure
    .input(
      z.strictObject({
        name: TopologyNameSchema,
        topology: TopologySchema,
        overwrite: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const saved = await ctx.store.save(input.name, input.topology, {
        overwrite: input.overwrite,
      });
      const problems = validate(saved.topology, await capsOrDefault(ctx));
      return { name: saved.name, modifiedAt: saved.modifiedAt, hasErrors: hasErrors(problems) };
    }),
  rename: publicProcedure.input(FromTo).mutation(async ({ ctx, input }) => {
    await ctx.store.rename(input.from, input.to);
    return { name: input.to };
  }),
  duplicate: publicProcedure.input(FromTo).mutation(async ({ ctx, input }) => {
    await ctx.store.duplicate(input.from, input.to);
    return { name: input.to };
  }),
  delete: publicProcedure
    .input(z.strictObject({ name: TopologyNameSchema }))
    .mutation(async ({ ctx, input }) => {
      await ctx.store.delete(input.name);
      return { name: input.name };
    }),
  samples: publicProcedure.query(({ ctx }) => ctx.samples()),
  /**
   * Start's host checks (files exist, are readable, writable, of their format, not in use) for
   * the document being edited, so the designer shows them before Start. A mutation only so the
   * document travels in the body: a query would put it in the URL.
   */
  hostCheck: publicProcedure
    .input(z.strictObject({ topology: TopologySchema, ownRun: RunIdSchema.optional() }))
    .mutation(({ ctx, input }) => ctx.runs.hostCheck(input.topology, input.ownRun)),
  /**
   * The standalone launcher script of a document (the runtime's bundle and its plan), or the
   * problems that refuse it: the same host checks as Start, so a drive outside the image roots
   * is named. A mutation so the document travels in the body.
   */
  exportLauncher: publicProcedure
    .input(z.strictObject({ topology: TopologySchema }))
    .mutation(async ({ ctx, input }) => {
      const caps = await capsOrDefault(ctx);
      return exportLauncher(input.topology, caps, ctx.images.roots, {
        title: input.topology.vm.name,
      });
    }),
});
