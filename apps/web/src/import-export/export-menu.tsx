import {
  exportTopologyJson,
  renderReadableText,
  type PlanResult,
  type Topology,
} from '@mpqemu/shared';
import { useTRPCClient } from '../api/index.ts';
import { useDesignerStore } from '../designer/store/context.tsx';
import { Menu, MenuItem } from '../shell/menu.tsx';
import { downloadText, safeFileName } from './download.ts';
import './import-export.css';

export interface ExportMenuProps {
  topology: Topology;
  /** The document's launch plan, made with the server's probed capabilities. */
  planned: PlanResult;
}

/**
 * Export the document: topology JSON, a standalone launcher script, or the readable lines. The
 * menu closes after a choice and on Escape; the outcome of a copy comes as a notice.
 */
export function ExportMenu({ topology, planned }: ExportMenuProps) {
  const store = useDesignerStore();
  const client = useTRPCClient();
  const base = safeFileName(topology.vm.name);
  const planError = planned.ok
    ? undefined
    : `The topology has errors: ${planned.problems.find((p) => p.severity === 'error')?.message ?? ''}`;

  const copy = async () => {
    if (!planned.ok) return;
    try {
      await navigator.clipboard.writeText(renderReadableText(planned.plan));
      store.getState().notify('Command lines copied');
    } catch {
      store.getState().notify('The browser refused the clipboard', 'error');
    }
  };

  // The script is the server's runtime bundle with this plan; the server also runs Start's host
  // checks on its files, so a drive outside the image roots is refused by name.
  const downloadScript = async () => {
    try {
      const exported = await client.topologies.exportLauncher.mutate({ topology });
      if (exported.ok) {
        downloadText(`${base}-launch.mjs`, exported.script, 'text/javascript');
        return;
      }
      const first = exported.problems.find((p) => p.severity === 'error') ?? exported.problems[0];
      store
        .getState()
        .notify(`Not exported: ${first?.message ?? 'the topology has errors'}`, 'error');
    } catch (e) {
      store.getState().notify(`Not exported: ${(e as Error).message}`, 'error');
    }
  };

  return (
    <Menu label="Export" title="Export this topology" testId="export-menu">
      <MenuItem
        testId="export-json"
        onSelect={() =>
          downloadText(`${base}.json`, exportTopologyJson(topology), 'application/json')
        }
      >
        Download topology JSON
      </MenuItem>
      <MenuItem
        testId="export-script"
        disabled={!planned.ok}
        hint={planError ?? 'A Node.js script that runs this topology without mpqemu studio'}
        onSelect={() => {
          if (planned.ok) void downloadScript();
        }}
      >
        Download launcher script
      </MenuItem>
      <MenuItem
        testId="export-copy"
        disabled={!planned.ok}
        {...(planError === undefined ? {} : { hint: planError })}
        onSelect={() => void copy()}
      >
        Copy command lines
      </MenuItem>
    </Menu>
  );
}
