/**
 * The image library API (used by the image picker and the inspector). Every answer comes from
 * parsing image headers through descriptors the server opened itself: no backing file is opened
 * and no network protocol is contacted, whatever an image names.
 */
import { NewImageSchema } from '@mpqemu/shared';
import * as z from 'zod';
import { createImage } from '../images/create.ts';
import { inspectPath, listImages } from '../images/library.ts';
import { publicProcedure, router } from '../trpc.ts';

export type { ImageEntry, ImageListing, InspectResult } from '../images/library.ts';

const HostPath = z.string().min(1, 'a path is required').max(4096);

const CreateInput = NewImageSchema.extend({
  /** An image root (as listed by images.list); default: the image library. */
  root: HostPath.optional(),
});

export const imagesRouter = router({
  /**
   * The image roots (library, samples, configured, saved in the settings) and every image under
   * them: path, root, detected format, virtual and allocated size, backing file name or null,
   * and the ids of the runs using it now.
   */
  list: publicProcedure.query(async ({ ctx }) =>
    listImages(await ctx.images.roots.confinement(), ctx.images.inUse),
  ),
  /**
   * Creates an empty image (`qcow2` or sparse `raw`) named `name` in `root` (default: the image
   * library). Atomic: no partial file on failure, never overwrites (CONFLICT). Returns the path.
   * A refusal names the field at fault (`name: …`); no qemu-img for a qcow2: PRECONDITION_FAILED.
   */
  create: publicProcedure.input(CreateInput).mutation(async ({ ctx, input }) => {
    const confinement = await ctx.images.roots.confinement();
    await ctx.images.roots.libraryDir();
    const qemuImg = input.format === 'qcow2' ? await ctx.images.qemuImg() : '';
    await ctx.images.admitCreation();
    return { path: await createImage(input, confinement, qemuImg) };
  }),
  /**
   * The same detection for one typed path (the inspector): `{ ok: true, format, virtualSize,
   * allocatedSize, backingFile, shown (both names when it resolves elsewhere), usedBy }` or
   * `{ ok: false, code, message }` with the problem code the launcher would report.
   */
  inspect: publicProcedure
    .input(z.strictObject({ path: HostPath }))
    .query(async ({ ctx, input }) =>
      inspectPath(input.path, await ctx.images.roots.confinement(), ctx.images.inUse),
    ),
});
