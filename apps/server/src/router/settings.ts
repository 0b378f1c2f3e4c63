/** Settings of the server that the web app edits: today the image roots the user adds. */
import { imageRootWarning } from '@mpqemu/shared';
import * as z from 'zod';
import { MAX_SAVED_ROOTS } from '../store/settings.ts';
import { publicProcedure, router } from '../trpc.ts';

export const settingsRouter = router({
  /**
   * The saved image roots, plus every root in force (`roots`: library, samples, configured by
   * flag or environment, saved) so the page can show which ones it cannot change; `refused`: the
   * roots ignored now because they resolve to a forbidden folder, with why; `warnings`: roots in
   * force that are system or home folders, with what they make attachable.
   */
  get: publicProcedure.query(async ({ ctx }) => {
    const [saved, confinement] = await Promise.all([
      ctx.images.settings.get(),
      ctx.images.roots.confinement(),
    ]);
    const warnings = confinement.roots.flatMap((r) => {
      const message = r.kind === 'library' ? null : imageRootWarning(r.real);
      return message ? [{ path: r.path, message }] : [];
    });
    return {
      imageRoots: saved.imageRoots,
      roots: confinement.roots,
      refused: confinement.refused ?? [],
      warnings,
      dataDir: confinement.dataDir,
    };
  }),
  /**
   * Replaces the saved image roots. Each must be an absolute path to an existing directory outside
   * the data directory; a refusal names the root (BAD_REQUEST, field `imageRoots.N`).
   */
  setImageRoots: publicProcedure
    .input(z.strictObject({ imageRoots: z.array(z.string().max(4096)).max(MAX_SAVED_ROOTS) }))
    .mutation(async ({ ctx, input }) => {
      const { dataDir } = await ctx.images.roots.confinement();
      return ctx.images.settings.setImageRoots(input.imageRoots, dataDir);
    }),
});
