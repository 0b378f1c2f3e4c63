import { VM_NODE_ID } from '@mpqemu/shared';
import { problemsByNode } from '../canvas/build-view.ts';
import { useDesigner } from '../store/context.tsx';
import { DeviceFields } from './device-fields.tsx';
import { DriveFields } from './drive-fields.tsx';
import { NodeProblems } from './node-problems.tsx';
import { ProcessFields } from './process-fields.tsx';
import { VmFields } from './vm-fields.tsx';
import './inspector.css';

/** Typed fields of the selection; with nothing selected, the VM itself. */
export function Inspector() {
  const topology = useDesigner((s) => s.topology);
  const caps = useDesigner((s) => s.caps);
  const problems = useDesigner((s) => s.problems);
  const selected = useDesigner((s) =>
    s.nodes
      .filter((n) => n.selected)
      .map((n) => n.id)
      .join('\n'),
  );
  const ids = selected === '' ? [] : selected.split('\n');
  const id = ids.length === 1 ? (ids[0] ?? VM_NODE_ID) : VM_NODE_ID;
  const mine = problemsByNode(problems).get(id) ?? [];
  let body;
  let kind = 'vm';
  const device = topology.devices.find((d) => d.id === id);
  const drive = topology.drives.find((d) => d.id === id);
  const process = topology.processes.find((p) => p.id === id);
  if (ids.length > 1) {
    kind = 'multi';
    body = (
      <p className="insp-note">
        {ids.length} items selected. Drag to move them together; Delete removes them.
      </p>
    );
  } else if (device) {
    kind = 'device';
    body = <DeviceFields key={device.id} device={device} topology={topology} />;
  } else if (drive) {
    kind = 'drive';
    body = <DriveFields key={drive.id} drive={drive} topology={topology} />;
  } else if (process) {
    kind = 'process';
    body = <ProcessFields key={process.id} process={process} topology={topology} />;
  } else {
    body = <VmFields topology={topology} caps={caps} />;
  }
  return (
    <aside
      className="inspector"
      data-testid="inspector"
      data-kind={kind}
      data-selected={ids.length === 1 ? id : ''}
      aria-label="Inspector"
    >
      <div className="panel__title">
        Inspector
        {ids.length === 1 && id !== VM_NODE_ID && (
          <span className="panel__title-id mono">{id}</span>
        )}
      </div>
      <div className="inspector__scroll">
        {ids.length <= 1 && <NodeProblems problems={mine} />}
        {body}
      </div>
    </aside>
  );
}
