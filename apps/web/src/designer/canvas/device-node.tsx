import { deviceModel } from '@mpqemu/shared';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { LiveLine, liveClass } from '../../live/live-line.tsx';
import { PendingTag } from '../../live/pending-tag.tsx';
import { useNodeLive } from '../../live/use-live-run.ts';
import { useDesigner } from '../store/context.tsx';
import { FAMILY_TAG, slotText } from './family.ts';
import { ProblemBadge, worst } from './problem-badge.tsx';
import { ProxyChip } from './proxy-chip.tsx';
import type { DeviceNode } from './types.ts';
import './family.css';

function DeviceNodeView({ id, data, selected }: NodeProps<DeviceNode>) {
  const { device, problems } = data;
  const info = deviceModel(device.model);
  const isDrop = useDesigner((s) => s.dropTarget === id);
  const placement = device.placement;
  const remote = placement.kind === 'remote';
  const live = useNodeLive(id);
  return (
    <div
      className={`node device fam-${device.family} sev-${worst(problems)}${selected ? ' is-selected' : ''}${isDrop ? ' is-drop' : ''}${liveClass(live)}`}
      data-testid={`node-${id}`}
      data-placement={placement.kind === 'remote' ? placement.process : 'main'}
    >
      <div className="node__head">
        <span className="node__tag">{FAMILY_TAG[device.family]}</span>
        <span className="node__id">{id}</span>
        <ProblemBadge id={id} problems={problems} />
      </div>
      <PendingTag id={id} />
      <div className="node__model" title={info?.description}>
        {info?.label ?? device.model}
      </div>
      {live ? (
        <LiveLine id={id} live={live} />
      ) : (
        <div className="node__meta">
          <span className="mono">{device.model}</span>
          <span className="mono muted">{slotText(device.slot)}</span>
          {remote && <ProxyChip model={device.model} compact />}
        </div>
      )}
      {info?.accepts && (
        <Handle
          type="source"
          position={Position.Bottom}
          id="drives"
          className="handle handle--drives"
          title={`Drag to a drive to attach it to ${id}`}
        />
      )}
    </div>
  );
}

export const DeviceNodeComponent = memo(DeviceNodeView);
