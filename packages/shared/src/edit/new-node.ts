import {
  BLOCK_MODELS,
  DISPLAY_MODELS,
  driveModel,
  NET_MODELS,
  OTHER_MODELS,
  STORAGE_MODELS,
  type DriveModel,
} from '../catalogue.ts';
import type { Device, Drive, Placement } from '../schema.ts';

const includes = <T extends string>(list: readonly T[], v: string): v is T =>
  (list as readonly string[]).includes(v);

/**
 * A device of `model` with the catalogue's family and the defaults the schema needs (a NIC gets
 * user-mode networking without forwards), or null for a model the catalogue does not know.
 */
export function newDevice(model: string, id: string, placement: Placement): Device | null {
  if (includes(STORAGE_MODELS, model)) return { id, family: 'storage', model, placement };
  if (includes(BLOCK_MODELS, model)) return { id, family: 'block', model, placement };
  if (includes(NET_MODELS, model))
    return { id, family: 'net', model, placement, backend: { type: 'user', hostForwards: [] } };
  if (includes(DISPLAY_MODELS, model)) return { id, family: 'display', model, placement };
  if (includes(OTHER_MODELS, model)) return { id, family: 'other', model, placement };
  return null;
}

/** An unattached drive of `model` with no image yet; a CD starts read-only. */
export function newDrive(model: DriveModel, id: string): Drive {
  return {
    id,
    model,
    image: { path: '', format: 'raw', readOnly: driveModel(model)?.forcedReadOnly === true },
    attachedTo: null,
  };
}
