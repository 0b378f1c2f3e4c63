import {
  BaseEdge,
  EdgeLabelRenderer,
  getBezierPath,
  getSmoothStepPath,
  type EdgeProps,
} from '@xyflow/react';
import type { ChannelEdge, DriveEdge } from './types.ts';

export function DriveEdgeView(props: EdgeProps<DriveEdge>) {
  const [path, x, y] = getSmoothStepPath({ ...props, borderRadius: 8 });
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        className={`edge-drive${props.selected ? ' is-selected' : ''}`}
        interactionWidth={16}
      />
      <EdgeLabelRenderer>
        <div
          className={`edge-label${props.selected ? ' is-selected' : ''}`}
          data-testid={`edge-label-${props.target}`}
          style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
        >
          {props.data?.label}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export function ChannelEdgeView(props: EdgeProps<ChannelEdge>) {
  const [path, x, y] = getBezierPath(props);
  return (
    <>
      <BaseEdge id={props.id} path={path} className="edge-channel" />
      <EdgeLabelRenderer>
        <div
          className="edge-label edge-label--channel"
          title="A unix socketpair: the remote process serves the device, the main QEMU holds an x-pci-proxy-dev"
          style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
        >
          socketpair
        </div>
      </EdgeLabelRenderer>
    </>
  );
}
