/**
 * Right-click menus of the canvas (Radix ContextMenu: keyboard, Escape, focus return): on a node
 * its actions (duplicate, move to a process, detach, delete), on a container "add a device
 * here", on empty canvas the view actions. Every action is one document edit, so one undo step.
 */
import { canProxy, DEVICE_MODELS, VM_NODE_ID, type Placement, type Topology } from '@mpqemu/shared';
import * as ContextMenu from '@radix-ui/react-context-menu';
import { useReactFlow } from '@xyflow/react';
import { useState, type ReactNode } from 'react';
import { addProcess } from '../doc/add.ts';
import { attachDrive } from '../doc/attach.ts';
import { freeSpot } from '../doc/free-spot.ts';
import { moveDevice } from '../doc/move.ts';
import { DEVICE_H, DEVICE_W, HEADER_H, PAD } from '../sizes.ts';
import { applyAutoLayout, deleteSelection, duplicateSelection } from '../store/commands.ts';
import { useDesignerStore } from '../store/context.tsx';
import { addPaletteItem } from '../store/gestures.ts';
import { FIT_VIEW_ANIMATED } from './fit.ts';
import '../../shell/menu.css';

type Target =
  | { kind: 'pane' }
  | { kind: 'vm' }
  | { kind: 'process'; id: string }
  | { kind: 'device'; id: string }
  | { kind: 'drive'; id: string };

function targetOf(t: Topology, element: EventTarget | null): Target {
  const id =
    element instanceof Element
      ? element.closest('.react-flow__node')?.getAttribute('data-id')
      : null;
  if (!id) return { kind: 'pane' };
  if (id === VM_NODE_ID) return { kind: 'vm' };
  if (t.processes.some((p) => p.id === id)) return { kind: 'process', id };
  if (t.devices.some((d) => d.id === id)) return { kind: 'device', id };
  return { kind: 'drive', id };
}

function Item({
  testId,
  onSelect,
  disabled,
  children,
}: {
  testId: string;
  onSelect: () => void;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <ContextMenu.Item
      className="menu__item menu__item--row"
      data-testid={testId}
      disabled={disabled === true}
      onSelect={onSelect}
    >
      {children}
    </ContextMenu.Item>
  );
}

function Sub({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <ContextMenu.Sub>
      <ContextMenu.SubTrigger
        className="menu__item menu__item--row menu__sub-trigger"
        data-testid={testId}
      >
        {label}
      </ContextMenu.SubTrigger>
      <ContextMenu.Portal>
        <ContextMenu.SubContent className="menu" sideOffset={2}>
          {children}
        </ContextMenu.SubContent>
      </ContextMenu.Portal>
    </ContextMenu.Sub>
  );
}

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
      const vm = t.layout[VM_NODE_ID] ?? { x: 0, y: 0 };
      const added = addProcess(t, { x: vm.x - 420, y: vm.y + 240 * t.processes.length });
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
            <Item testId="ctx-delete" onSelect={() => onNode(nodeId, () => deleteSelection(store))}>
              Delete <kbd>Del</kbd>
            </Item>
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
              <ContextMenu.Separator className="menu__separator" />
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
