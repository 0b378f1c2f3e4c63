import type { Problem } from '@mpqemu/shared';
import { Modal } from '../shell/modal.tsx';

export interface WarningsDialogProps {
  warnings: readonly Problem[];
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * Asks the user to confirm the validator's warnings before a start. The server refuses a start
 * whose warnings were not acknowledged, so this is the only way such a topology runs.
 */
export function WarningsDialog({ warnings, onConfirm, onCancel }: WarningsDialogProps) {
  return (
    <Modal
      title={`Start with ${plural(warnings.length, 'warning')}?`}
      testId="start-warnings-dialog"
      onClose={onCancel}
      actions={
        <>
          <button
            type="button"
            className="btn"
            onClick={onCancel}
            data-testid="start-warnings-cancel"
          >
            Cancel
          </button>
          <button
            type="button"
            className="btn btn--primary"
            onClick={onConfirm}
            data-testid="start-warnings-confirm"
            autoFocus
          >
            Start anyway
          </button>
        </>
      }
    >
      <ul className="run-dialog__list">
        {warnings.map((w, i) => (
          <li key={`${w.code}-${i}`} data-testid="start-warning" data-code={w.code}>
            <code>{w.code}</code> {w.message}
          </li>
        ))}
      </ul>
    </Modal>
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
