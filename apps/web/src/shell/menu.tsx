/**
 * Drop-down menus on Radix's primitive: arrow keys, typeahead, Escape, focus return and closing
 * after a choice come with it, so every menu of the app behaves like a desktop one.
 */
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import type { ReactNode } from 'react';
import './menu.css';

export function Menu({
  label,
  title,
  testId,
  children,
}: {
  label: ReactNode;
  title: string;
  testId: string;
  children: ReactNode;
}) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger className="tool menu__trigger" data-testid={testId} title={title}>
        {label} <span aria-hidden="true">▾</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className="menu"
          align="start"
          sideOffset={4}
          data-testid={`${testId}-items`}
        >
          {children}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

export function MenuItem({
  testId,
  onSelect,
  disabled,
  title,
  hint,
  children,
}: {
  testId: string;
  onSelect: () => void;
  disabled?: boolean;
  title?: string;
  /** A second, quieter line (what the item does). */
  hint?: string;
  children: ReactNode;
}) {
  return (
    <DropdownMenu.Item
      className="menu__item"
      data-testid={testId}
      disabled={disabled === true}
      title={title}
      onSelect={onSelect}
    >
      <span>{children}</span>
      {hint !== undefined && <span className="menu__hint">{hint}</span>}
    </DropdownMenu.Item>
  );
}

export function MenuLabel({ children }: { children: ReactNode }) {
  return <DropdownMenu.Label className="menu__label">{children}</DropdownMenu.Label>;
}

export function MenuSeparator() {
  return <DropdownMenu.Separator className="menu__separator" />;
}
