/**
 * Right-click menus of the canvas (Radix ContextMenu: keyboard, Escape, focus return): on a node
 * its actions (duplicate, move to a process, detach, delete), on a container "add a device
 * here", on empty canvas the view actions. Every edit action is one document edit, so one undo
 * step. While the canvas shows the running VM the menus add its live actions
 * (`live-menu-items.tsx`).
 */
import { canProxy, DEVICE_MODELS, VM_NODE_ID, type Placement, type Topology } from '@mpqemu/shared';
import * as ContextMenu from '@radix-ui/react-context-menu';
import { useReactFlow } from '@xyflow/react';
import { useState, type ReactNode } from 'react';
import { addProcess } from '../doc/add.ts';
import { attachDrive } from '../doc/attach.ts';
import { freeCanvasSpot, freeSpot } from '../doc/free-spot.ts';
import { moveDevice } from '../doc/move.ts';
import { DEVICE_H, DEVICE_W, HEADER_H, PAD } from '../sizes.ts';
import { applyAutoLayout, deleteSelection, duplicateSelection } from '../store/commands.ts';
import { useDesignerStore } from '../store/context.tsx';
import { addPaletteItem } from '../store/gestures.ts';
import { Item, Separator, Sub, targetOf, type Target } from './context-menu-parts.tsx';
import { FIT_VIEW_ANIMATED } from './fit.ts';
import { DeleteItem, RestartItem, RunItems, useLiveMenu } from './live-menu-items.tsx';

/** Where a device moved into `container` goes: a free spot under the header. */
function spotIn(t: Topology, container: string, deviceId: string) {
  return freeSpot(
    t,
    container,
    { x: PAD, y: HEADER_H + PAD },
    DEVICE_W,
    DEVICE_H,
    new Set([deviceId]),
  );
}

/** Wraps the canvas; `onShortcuts` opens the keyboard shortcut sheet. */
export function CanvasContextMenu({
  children,
  onShortcuts,
}: {
  children: ReactNode;
  onShortcuts: () => void;
}) {
  const store = useDesignerStore();
  const flow = useReactFlow();
  const [target, setTarget] = useState<Target>({ kind: 'pane' });
  const live = useLiveMenu();
  const edit = (change: (t: Topology) => Topology) => store.getState().edit(change);
  const onNode = (id: string, action: () => void) => {
    store.getState().select([id]);
    action();
  };
  const moveTo = (deviceId: string, placement: Placement | 'new') =>
    edit((t) => {
      if (placement !== 'new') {
        const container = placement.kind === 'main' ? VM_NODE_ID : placement.process;
        return moveDevice(t, deviceId, placement, spotIn(t, container, deviceId));
      }
      const added = addProcess(t, freeCanvasSpot(t));
      return moveDevice(
        added.topology,
        deviceId,
        { kind: 'remote', process: added.id },
        { x: PAD, y: HEADER_H + PAD },
      );
    });
  const addHere = (container: string, model: string) => {
    store.getState().select([container]);
    addPaletteItem(store, { kind: 'device', model });
  };

  const t = store.getState().topology;
  const device = target.kind === 'device' ? t.devices.find((d) => d.id === target.id) : undefined;
  const drive = target.kind === 'drive' ? t.drives.find((d) => d.id === target.id) : undefined;
  const nodeId = target.kind === 'pane' || target.kind === 'vm' ? null : target.id;
  const container =
    target.kind === 'vm' ? VM_NODE_ID : target.kind === 'process' ? target.id : null;
  // The remote process a right-clicked container is, or a right-clicked device runs in.
  const process =
    target.kind === 'process'
      ? target.id
      : device?.placement.kind === 'remote'
        ? device.placement.process
        : null;

  return (
    <ContextMenu.Root modal={false}>
      <ContextMenu.Trigger
        asChild
        onContextMenu={(e) => setTarget(targetOf(store.getState().topology, e.target))}
      >
        {children}
      </ContextMenu.Trigger>
      <ContextMenu.Portal>
        <ContextMenu.Content className="menu" data-testid="context-menu">
          {live && (target.kind === 'pane' || target.kind === 'vm') && <RunItems live={live} />}
          {live && process !== null && (
            <>
              <RestartItem live={live} process={process} />
              <Separator />
            </>
          )}
          {container !== null && (
            <Sub label="Add a device here" testId="ctx-add-device">
              {DEVICE_MODELS.filter((m) => container === VM_NODE_ID || canProxy(m.model)).map(
                (m) => (
                  <Item
                    key={m.model}
                    testId={`ctx-add-${m.model}`}
                    onSelect={() => addHere(container, m.model)}
                  >
                    {m.label}
                  </Item>
                ),
              )}
            </Sub>
          )}
          {device && (
            <Sub label="Move to" testId="ctx-move">
              {device.placement.kind !== 'main' && (
                <Item testId="ctx-move-vm" onSelect={() => moveTo(device.id, { kind: 'main' })}>
                  The VM (main QEMU)
                </Item>
              )}
              {canProxy(device.model) &&
                t.processes
                  .filter(
                    (p) => device.placement.kind !== 'remote' || device.placement.process !== p.id,
                  )
                  .map((p) => (
                    <Item
                      key={p.id}
                      testId={`ctx-move-${p.id}`}
                      onSelect={() => moveTo(device.id, { kind: 'remote', process: p.id })}
                    >
                      Process {p.id}
                      {p.label ? ` (${p.label})` : ''}
                    </Item>
                  ))}
              {canProxy(device.model) && (
                <Item testId="ctx-move-new" onSelect={() => moveTo(device.id, 'new')}>
                  A new remote process
                </Item>
              )}
            </Sub>
          )}
          {drive?.attachedTo != null && (
            <Item testId="ctx-detach" onSelect={() => edit((d) => attachDrive(d, drive.id, null))}>
              Detach from {drive.attachedTo}
            </Item>
          )}
          {(device ?? drive) && (
            <Item
              testId="ctx-duplicate"
              onSelect={() => nodeId !== null && onNode(nodeId, () => duplicateSelection(store))}
            >
              Duplicate <kbd>Ctrl+D</kbd>
            </Item>
          )}
          {nodeId !== null && (
            <DeleteItem
              live={live}
              id={nodeId}
              onSelect={() => onNode(nodeId, () => deleteSelection(store))}
            />
          )}
          {(target.kind === 'pane' || target.kind === 'vm') && (
            <>
              <Item
                testId="ctx-add-process"
                onSelect={() => addPaletteItem(store, { kind: 'process' })}
              >
                Add a remote process
              </Item>
              <Item
                testId="ctx-select-all"
                onSelect={() => store.getState().select(store.getState().nodes.map((n) => n.id))}
              >
                Select all <kbd>Ctrl+A</kbd>
              </Item>
              <Item testId="ctx-layout" onSelect={() => applyAutoLayout(store)}>
                Arrange automatically
              </Item>
              <Item testId="ctx-fit" onSelect={() => void flow.fitView(FIT_VIEW_ANIMATED)}>
                Fit the design in view
              </Item>
              <Separator />
              <Item testId="ctx-shortcuts" onSelect={onShortcuts}>
                Keyboard shortcuts <kbd>?</kbd>
              </Item>
            </>
          )}
        </ContextMenu.Content>
      </ContextMenu.Portal>
    </ContextMenu.Root>
  );
}
