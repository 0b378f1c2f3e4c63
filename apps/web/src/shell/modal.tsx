import { useEffect, useRef, type ReactNode } from 'react';
import './modal.css';

export interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  actions?: ReactNode;
  testId: string;
  wide?: boolean;
}

/** A modal dialog on the native `<dialog>` element: focus trap, Escape and backdrop for free. */
export function Modal({ title, onClose, children, actions, testId, wide }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`modal${wide ? ' modal--wide' : ''}`}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="modal__head">
        <h2 className="modal__title">{title}</h2>
        <button type="button" className="btn btn--icon" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </header>
      <div className="modal__body">{children}</div>
      {actions && <footer className="modal__actions">{actions}</footer>}
    </dialog>
  );
}
