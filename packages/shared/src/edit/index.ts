/**
 * Document editing rules shared by the designer, the importer, the CLI and the server: how new
 * nodes are named and filled in, which drive fits which device, what may be proxied, renaming.
 */
export { canAttach, nextFreeScsiId } from './attach.ts';
export { allIds, idPrefix, PROCESS_PREFIX } from './id-prefix.ts';
export { newDevice, newDrive } from './new-node.ts';
export { canProxy, proxyRefusal, proxySupportText } from './proxy.ts';
export { renameId, type RenameResult } from './rename.ts';
