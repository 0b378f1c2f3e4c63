/** Export: a topology as JSON, as readable command lines, or as a standalone launcher script. */
import type { Topology } from '../schema.ts';

export {
  embeddedPlan,
  exportLauncherScript,
  type EmbeddedPlan,
  type LauncherScriptOptions,
} from './launcher-script.ts';

/** The document as saved by mpqemu studio (pretty-printed, newline-terminated). */
export function exportTopologyJson(topology: Topology): string {
  return `${JSON.stringify(topology, null, 2)}\n`;
}
