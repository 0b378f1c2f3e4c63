/** The pieces the canvas context menus are built from: what was right-clicked, items, submenus. */
import { VM_NODE_ID, type Topology } from '@mpqemu/shared';
import * as ContextMenu from '@radix-ui/react-context-menu';
import type { ReactNode } from 'react';
import '../../shell/menu.css';

export type Target =
  | { kind: 'pane' }
  | { kind: 'vm' }
  | { kind: 'process'; id: string }
  | { kind: 'device'; id: string }
  | { kind: 'drive'; id: string };

/** The node under a right-click, by its React Flow wrapper's id. */
export function targetOf(t: Topology, element: EventTarget | null): Target {
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

/**
 * One menu entry. `note`: trailing text in muted type (a live state, or why the item is
 * disabled); `title` says it in full on hover.
 */
export function Item({
  testId,
  onSelect,
  disabled,
  note,
  kbd,
  title,
  process,
  children,
}: {
  testId: string;
  onSelect: () => void;
  disabled?: boolean;
  note?: string | null;
  /** The keyboard shortcut, after the note. */
  kbd?: string;
  title?: string | undefined;
  /** The QEMU process the item acts on (`data-process`). */
  process?: string;
  children: ReactNode;
}) {
  return (
    <ContextMenu.Item
      className="menu__item menu__item--row"
      data-testid={testId}
      data-process={process}
      disabled={disabled === true}
      title={title}
      onSelect={onSelect}
    >
      {children}
      {(note != null || kbd !== undefined) && (
        <span className="menu__end">
          {note != null && (
            <span className="menu__note" data-testid={`${testId}-note`}>
              {note}
            </span>
          )}
          {kbd !== undefined && <kbd>{kbd}</kbd>}
        </span>
      )}
    </ContextMenu.Item>
  );
}

export function Sub({
  label,
  testId,
  children,
}: {
  label: string;
  testId: string;
  children: ReactNode;
}) {
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

export function Separator() {
  return <ContextMenu.Separator className="menu__separator" />;
}

export function Label({ children }: { children: ReactNode }) {
  return <ContextMenu.Label className="menu__label">{children}</ContextMenu.Label>;
}
