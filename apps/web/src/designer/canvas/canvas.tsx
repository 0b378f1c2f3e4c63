import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type OnNodeDrag,
} from '@xyflow/react';
import type { DeviceFamily } from '@mpqemu/shared';
import { useCallback, useState, type DragEvent } from 'react';
import { openShortcutSheet } from '../../shell/shortcut-sheet.tsx';
import { useTheme } from '../../shell/theme.ts';
import { LiveChanges } from '../../live/live-changes.tsx';
import { useDesigner, useDesignerStore } from '../store/context.tsx';
import {
  connect,
  dropPaletteItem,
  endDrag,
  isValidConnection,
  PALETTE_MIME,
  type PaletteItem,
} from '../store/gestures.ts';
import { CanvasContextMenu } from './canvas-context-menu.tsx';
import { ChannelEdgeView, DriveEdgeView } from './edges.tsx';
import { EmptyCanvasHint } from './empty-hint.tsx';
import { FIT_VIEW } from './fit.ts';
import './canvas.css';
import { hitTest } from './hit-test.ts';
import { DeviceNodeComponent } from './device-node.tsx';
import { DriveNodeComponent } from './drive-node.tsx';
import { ProcessNodeComponent, VmNodeComponent } from './container-nodes.tsx';
import type { DesignerEdge, DesignerNode } from './types.ts';

// Module scope: React Flow re-mounts every node when these objects change identity.
const nodeTypes = {
  vm: VmNodeComponent,
  process: ProcessNodeComponent,
  device: DeviceNodeComponent,
  drive: DriveNodeComponent,
};
const edgeTypes = { drive: DriveEdgeView, channel: ChannelEdgeView };

// The minimap fills its nodes with these (as inline styles, so the theme's tokens reach them).
const MINIMAP_COLOUR: Record<DeviceFamily | Exclude<DesignerNode['type'], 'device'>, string> = {
  vm: 'var(--minimap-vm)',
  process: 'var(--minimap-process)',
  storage: 'var(--fam-storage)',
  block: 'var(--fam-block)',
  net: 'var(--fam-net)',
  display: 'var(--fam-display)',
  other: 'var(--fam-other)',
  drive: 'var(--fam-drive)',
};

function minimapColour(n: DesignerNode): string {
  return MINIMAP_COLOUR[n.type === 'device' ? n.data.device.family : n.type];
}

function paletteKind(types: readonly string[]): PaletteItem['kind'] | null {
  for (const t of types) {
    if (t.startsWith(`${PALETTE_MIME}-`))
      return t.slice(PALETTE_MIME.length + 1) as PaletteItem['kind'];
  }
  return null;
}

/** The design surface: containers, devices and drives, with drop, drag and connect gestures. */
/** The node without its container bound (React Flow reads a missing `extent` as unbounded). */
function withoutExtent(node: DesignerNode): DesignerNode {
  const { extent: _extent, ...free } = node;
  return free;
}

export function Canvas() {
  const store = useDesignerStore();
  const nodes = useDesigner((s) => s.nodes);
  const edges = useDesigner((s) => s.edges);
  const onNodesChange = useDesigner((s) => s.onNodesChange);
  const onEdgesChange = useDesigner((s) => s.onEdgesChange);
  const { screenToFlowPosition } = useReactFlow<DesignerNode, DesignerEdge>();
  const [minimap, setMinimap] = useState(true);
  const theme = useTheme();

  const pointOf = useCallback(
    (e: { clientX: number; clientY: number }) =>
      screenToFlowPosition({ x: e.clientX, y: e.clientY }),
    [screenToFlowPosition],
  );

  const onDragOver = useCallback(
    (e: DragEvent) => {
      const kind = paletteKind(e.dataTransfer.types);
      if (!kind) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      const hit = hitTest(store.getState().topology, pointOf(e));
      store
        .getState()
        .setDropTarget(
          kind === 'drive'
            ? (hit.device ?? hit.container)
            : kind === 'device'
              ? hit.container
              : null,
        );
    },
    [store, pointOf],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const raw = e.dataTransfer.getData(PALETTE_MIME);
      store.getState().setDropTarget(null);
      if (!raw) return;
      e.preventDefault();
      dropPaletteItem(store, JSON.parse(raw) as PaletteItem, pointOf(e));
    },
    [store, pointOf],
  );

  const onNodeDragStart: OnNodeDrag<DesignerNode> = useCallback(
    (_e, _node, dragged) => {
      // Free the dragged children from their container for the gesture, so they can leave it.
      const ids = new Set(dragged.map((n) => n.id));
      const { nodes: current, setNodes } = store.getState();
      setNodes(current.map((n) => (ids.has(n.id) && n.extent ? withoutExtent(n) : n)));
    },
    [store],
  );

  const onNodeDrag: OnNodeDrag<DesignerNode> = useCallback(
    (e, node, dragged) => {
      if (dragged.length !== 1 || !('clientX' in e)) return;
      if (node.type !== 'device' && node.type !== 'drive') return;
      const hit = hitTest(store.getState().topology, pointOf(e), new Set([node.id]));
      store.getState().setDropTarget(node.type === 'drive' ? hit.device : hit.container);
    },
    [store, pointOf],
  );

  const onNodeDragStop: OnNodeDrag<DesignerNode> = useCallback(
    (e, node, dragged) => {
      const point = 'clientX' in e ? pointOf(e) : node.position;
      endDrag(store, dragged, node.id, point);
    },
    [store, pointOf],
  );

  const onConnect = useCallback((c: Connection) => connect(store, c.source, c.target), [store]);
  const validConnection = useCallback(
    (c: Connection | Edge) => isValidConnection(store.getState().topology, c.source, c.target),
    [store],
  );

  return (
    <CanvasContextMenu onShortcuts={openShortcutSheet}>
      <div
        className="canvas"
        data-testid="canvas"
        onDragLeave={() => store.getState().setDropTarget(null)}
      >
        <ReactFlow<DesignerNode, DesignerEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onNodeDragStart={onNodeDragStart}
          onNodeDrag={onNodeDrag}
          onNodeDragStop={onNodeDragStop}
          onConnect={onConnect}
          isValidConnection={validConnection}
          connectionMode={ConnectionMode.Loose}
          onDragOver={onDragOver}
          onDrop={onDrop}
          // Deletion goes through the document (one undo step), not React Flow's own removal.
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={['Meta', 'Control']}
          fitView
          fitViewOptions={FIT_VIEW}
          minZoom={0.2}
          maxZoom={2}
          proOptions={{ hideAttribution: true }}
          colorMode={theme}
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
          <Controls showInteractive={false} position="bottom-left" fitViewOptions={FIT_VIEW}>
            <ControlButton
              onClick={() => setMinimap(!minimap)}
              title={minimap ? 'Hide the minimap' : 'Show the minimap'}
              aria-label={minimap ? 'Hide the minimap' : 'Show the minimap'}
              aria-pressed={minimap}
              data-testid="toggle-minimap"
            >
              ▦
            </ControlButton>
          </Controls>
          {minimap && (
            <MiniMap<DesignerNode>
              pannable
              zoomable
              nodeColor={minimapColour}
              nodeStrokeWidth={2}
              position="bottom-right"
              ariaLabel="Minimap"
            />
          )}
        </ReactFlow>
        <EmptyCanvasHint />
        <LiveChanges />
      </div>
    </CanvasContextMenu>
  );
}
