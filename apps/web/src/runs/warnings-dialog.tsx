import type { Problem } from '@mpqemu/shared';
import { useEffect, useRef } from 'react';

export interface WarningsDialogProps {
  warnings: readonly Problem[];
  open: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * Asks the user to confirm the validator's warnings before a start. The server refuses a start
 * whose warnings were not acknowledged, so this is the only way such a topology runs.
 */
export function WarningsDialog({ warnings, open, onConfirm, onCancel }: WarningsDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="run-dialog"
      data-testid="start-warnings-dialog"
      aria-labelledby="start-warnings-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="start-warnings-title">Start with {plural(warnings.length, 'warning')}?</h2>
      <ul className="run-dialog__list">
        {warnings.map((w, i) => (
          <li key={`${w.code}-${i}`} data-testid="start-warning" data-code={w.code}>
            <code>{w.code}</code> {w.message}
          </li>
        ))}
      </ul>
      <div className="run-dialog__actions">
        <button
          type="button"
          className="run-button"
          onClick={onCancel}
          data-testid="start-warnings-cancel"
        >
          Cancel
        </button>
        <button
          type="button"
          className="run-button run-button--primary"
          onClick={onConfirm}
          data-testid="start-warnings-confirm"
          autoFocus
        >
          Start anyway
        </button>
      </div>
    </dialog>
  );
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
