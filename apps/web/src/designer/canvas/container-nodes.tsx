import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { JailBadge } from '../../live/jail-badge.tsx';
import { LiveLine, liveClass } from '../../live/live-line.tsx';
import { PendingTag } from '../../live/pending-tag.tsx';
import { ProcessLive } from '../../live/process-live.tsx';
import { useNodeLive } from '../../live/use-live-run.ts';
import { useDesigner } from '../store/context.tsx';
import { ProblemBadge, worst } from './problem-badge.tsx';
import type { ProcessNode, VmNode } from './types.ts';

function VmNodeView({ id, data, selected }: NodeProps<VmNode>) {
  const { vm, problems } = data;
  const isDrop = useDesigner((s) => s.dropTarget === id);
  const live = useNodeLive(id);
  const boot =
    vm.boot.kind === 'kernel'
      ? 'kernel boot'
      : vm.boot.kind === 'disk'
        ? `boot ${vm.boot.drive}`
        : 'no boot';
  return (
    <div
      className={`container vm sev-${worst(problems)}${selected ? ' is-selected' : ''}${isDrop ? ' is-drop' : ''}${liveClass(live)}`}
      data-testid="node-vm"
    >
      <Handle
        type="target"
        position={Position.Left}
        id="proxy"
        className="handle handle--proxy"
        isConnectable={false}
      />
      <header className="container__head">
        <span className="container__kind">VM</span>
        <span className="container__title" title={vm.name}>
          {vm.name}
        </span>
        <ProblemBadge id="vm" problems={problems} />
        {live && (
          <LiveLine id="vm" live={live}>
            <JailBadge id="vm" jail={live.jail} />
          </LiveLine>
        )}
      </header>
      <PendingTag id={id} />
      <div className="container__sub mono">
        {vm.machine} · {vm.accel} · {vm.memoryMiB} MiB · {vm.cpus} vCPU · {boot}
      </div>
    </div>
  );
}

function ProcessNodeView({ id, data, selected }: NodeProps<ProcessNode>) {
  const { process, problems, devices } = data;
  const isDrop = useDesigner((s) => s.dropTarget === id);
  const live = useNodeLive(id);
  return (
    <div
      className={`container process sev-${worst(problems)}${selected ? ' is-selected' : ''}${isDrop ? ' is-drop' : ''}${liveClass(live)}`}
      data-testid={`node-${id}`}
    >
      <header className="container__head">
        <span className="container__kind">remote</span>
        <span className="container__title">{id}</span>
        {process.label !== '' && (
          <span className="container__label" title={process.label}>
            {process.label}
          </span>
        )}
        <ProblemBadge id={id} problems={problems} />
      </header>
      <PendingTag id={id} />
      {live && <ProcessLive id={id} live={live} />}
      {devices.length === 0 && <div className="container__empty">Drop one PCI device here</div>}
      <Handle
        type="source"
        position={Position.Right}
        id="proxy"
        className="handle handle--proxy"
        isConnectable={false}
      />
    </div>
  );
}

export const VmNodeComponent = memo(VmNodeView);
export const ProcessNodeComponent = memo(ProcessNodeView);
