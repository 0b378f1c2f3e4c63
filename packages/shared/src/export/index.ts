/**
 * Export: a topology as JSON (the readable command lines are plan/render.ts; the standalone
 * launcher script is a bundle of the server's runtime, apps/server/src/launcher/).
 */
import type { Topology } from '../schema.ts';

/** The document as saved by mpqemu studio (pretty-printed, newline-terminated). */
export function exportTopologyJson(topology: Topology): string {
  return `${JSON.stringify(topology, null, 2)}\n`;
}
