/**
 * Fixed node sizes. Nodes have fixed dimensions so that container sizes, drop hit-tests and the
 * auto-layout can be computed from the document alone, before React Flow has measured anything.
 */
export const DEVICE_W = 216;
export const DEVICE_H = 76;
export const DRIVE_W = 196;
export const DRIVE_H = 58;
/** Container header band (title) and inner padding. */
export const HEADER_H = 44;
export const PAD = 20;
export const MIN_CONTAINER_W = 256;
export const MIN_CONTAINER_H = 156;
/** Gap between a controller and the drives placed under it. */
export const DRIVE_GAP_Y = 48;
export const DRIVE_GAP_X = 16;
/** Remote processes stand in a column this far left of the VM, one every PROCESS_ROW_H down. */
export const PROCESS_COLUMN_DX = 420;
export const PROCESS_ROW_H = 240;
