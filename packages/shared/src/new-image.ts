/**
 * What a new image in an image root may be called and how large it may be. The page's form shows
 * these rules as the user types and the server's images.create checks them again, in the same
 * words, since the server never trusts what a page has checked.
 */
import * as z from 'zod';
import { IMAGE_FORMATS } from './catalogue.ts';

/** A plain file name: no dot-file (they are the library's temp files), no `/`. */
const IMAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** 2 TiB: far above a test disk, below anything that would fill a home directory by accident. */
export const MAX_IMAGE_MIB = 2 * 1024 * 1024;

export const IMAGE_NAME_RULE =
  'Use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. disk0.qcow2)';
export const IMAGE_SIZE_RULE = `A whole number of MiB from 1 to ${MAX_IMAGE_MIB} (2 TiB)`;

const ImageNameSchema = z.string().regex(IMAGE_NAME, IMAGE_NAME_RULE);
const ImageSizeSchema = z
  .number()
  .int(IMAGE_SIZE_RULE)
  .min(1, IMAGE_SIZE_RULE)
  .max(MAX_IMAGE_MIB, IMAGE_SIZE_RULE);

/** A new empty image: its file name in the root, its format and its virtual size. */
export const NewImageSchema = z.strictObject({
  name: ImageNameSchema,
  format: z.enum(IMAGE_FORMATS),
  sizeMiB: ImageSizeSchema,
});
export type NewImage = z.infer<typeof NewImageSchema>;

/** The rule `name` breaks as the name of a new image, or null when it may be used. */
export function imageNameProblem(name: string): string | null {
  return ImageNameSchema.safeParse(name).success ? null : IMAGE_NAME_RULE;
}

/** The rule `sizeMiB` breaks as the size of a new image, or null when it may be used. */
export function imageSizeProblem(sizeMiB: number): string | null {
  return ImageSizeSchema.safeParse(sizeMiB).success ? null : IMAGE_SIZE_RULE;
}
