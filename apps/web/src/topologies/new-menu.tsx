import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api/index.ts';
import { emptyTopology } from '../designer/doc/defaults.ts';
import { Menu, MenuItem, MenuLabel, MenuSeparator } from '../shell/menu.tsx';
import type { useTopologyFiles } from './use-topology-files.ts';

/** New: an empty topology, or a copy of an example (a template: Save asks for a name). */
export function NewMenu({ files }: { files: ReturnType<typeof useTopologyFiles> }) {
  const trpc = useTRPC();
  const samples = useQuery(
    trpc.topologies.samples.queryOptions(undefined, { staleTime: Infinity }),
  );
  return (
    <Menu label="New" title="Start a new topology" testId="tb-new">
      <MenuItem
        testId="new-empty"
        hint="An empty VM: add devices from the palette"
        onSelect={() => void files.newDocument(emptyTopology(), null)}
      >
        Empty topology
      </MenuItem>
      <MenuSeparator />
      <MenuLabel>From an example</MenuLabel>
      {samples.isPending && (
        <MenuItem testId="new-loading" disabled onSelect={() => undefined}>
          Loading…
        </MenuItem>
      )}
      {samples.data?.map((s) => (
        <MenuItem
          key={s.id}
          testId={`new-sample-${s.id}`}
          hint={s.description}
          onSelect={() => void files.newDocument(s.topology, s.title)}
        >
          {s.title}
        </MenuItem>
      ))}
    </Menu>
  );
}
