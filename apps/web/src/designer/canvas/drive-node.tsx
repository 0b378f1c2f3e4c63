import { driveModel } from '@mpqemu/shared';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { ProblemBadge, worst } from './problem-badge.tsx';
import type { DriveNode } from './types.ts';
import './family.css';

function fileName(path: string): string {
  if (path === '') return 'no image';
  return path.slice(path.lastIndexOf('/') + 1) || path;
}

function DriveNodeView({ id, data, selected }: NodeProps<DriveNode>) {
  const { drive, problems, boot } = data;
  const info = driveModel(drive.model);
  const readOnly = drive.image.readOnly || info?.forcedReadOnly === true;
  return (
    <div
      className={`node drive sev-${worst(problems)}${selected ? ' is-selected' : ''}`}
      data-testid={`node-${id}`}
      data-attached={drive.attachedTo ?? ''}
    >
      <Handle
        type="target"
        position={Position.Top}
        id="host"
        className="handle handle--host"
        title="Connect to a controller"
      />
      <div className="node__head">
        <span className="node__tag">{drive.model === 'scsi-cd' ? 'CD' : 'DISK'}</span>
        <span className="node__id">{id}</span>
        <ProblemBadge id={id} problems={problems} />
      </div>
      <div className="node__meta">
        <span className="mono ellipsis" title={drive.image.path || 'No image path yet'}>
          {fileName(drive.image.path)}
        </span>
        <span className="mono muted">{drive.image.format}</span>
        {readOnly && <span className="chip chip--compact">ro</span>}
        {boot && (
          <span className="chip chip--compact chip--boot" title="The VM boots from this drive">
            boot
          </span>
        )}
      </div>
    </div>
  );
}

export const DriveNodeComponent = memo(DriveNodeView);
