import type { Device, Drive, Problem, RemoteProcess, Vm } from '@mpqemu/shared';
import type { Edge, Node } from '@xyflow/react';

export type VmNode = Node<{ vm: Vm; problems: Problem[]; proxied: number }, 'vm'>;
export type ProcessNode = Node<
  { process: RemoteProcess; problems: Problem[]; devices: string[] },
  'process'
>;
export type DeviceNode = Node<{ device: Device; problems: Problem[]; drives: number }, 'device'>;
export type DriveNode = Node<{ drive: Drive; problems: Problem[]; boot: boolean }, 'drive'>;
export type DesignerNode = VmNode | ProcessNode | DeviceNode | DriveNode;

export type DriveEdge = Edge<{ label: string }, 'drive'>;
export type ChannelEdge = Edge<{ label: string }, 'channel'>;
export type DesignerEdge = DriveEdge | ChannelEdge;

export const driveEdgeId = (driveId: string) => `att:${driveId}`;
export const channelEdgeId = (processId: string) => `ch:${processId}`;
