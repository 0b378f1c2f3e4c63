import { create } from 'zustand';
import { Modal } from './modal.tsx';

/** Whether the sheet is open; `?` and the canvas menu open it from anywhere. */
const useShortcutSheet = create<{ open: boolean }>(() => ({ open: false }));

export function openShortcutSheet(): void {
  useShortcutSheet.setState({ open: true });
}

const SHORTCUTS: [string, string][] = [
  ['Ctrl+A', 'Select every node'],
  ['Delete / Backspace', 'Delete the selection'],
  ['Ctrl+D', 'Duplicate the selected node'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z / Ctrl+Y', 'Redo'],
  ['Ctrl+S', 'Save (asks for a name the first time)'],
  ['Shift+drag', 'Select with a box'],
  ['Ctrl+click', 'Add a node to the selection'],
  ['Enter on a palette item', 'Add it to the selected container'],
  ['Right-click', 'Actions of a node, a container or the canvas'],
  ['Escape', 'Close a menu or dialog'],
  ['?', 'This list'],
];

/** The keyboard shortcut sheet (`?`), when open. */
export function ShortcutSheet() {
  const open = useShortcutSheet((s) => s.open);
  if (!open) return null;
  const onClose = () => useShortcutSheet.setState({ open: false });
  return (
    <Modal title="Keyboard shortcuts" testId="shortcut-sheet" onClose={onClose}>
      <table className="shortcut-sheet">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                {keys.split(' / ').map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' or '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
