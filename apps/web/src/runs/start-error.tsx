import { useEffect, useId, useState } from 'react';

/**
 * Why Start failed, in full: a short label in the toolbar and the whole text in a popover that
 * opens with it (the user must not need a wider window to read an error). Escape closes it.
 */
export function StartError({ text }: { text: string }) {
  const [open, setOpen] = useState(true);
  const [shownFor, setShownFor] = useState(text);
  const id = useId();
  // A new failure opens the popover again (adjusting state while rendering, not in an effect).
  if (shownFor !== text) {
    setShownFor(text);
    setOpen(true);
  }
  useEffect(() => {
    if (!open) return;
    const close = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [open]);
  return (
    <span className="start-error">
      <button
        type="button"
        className="start-error__label"
        data-testid="run-start-error-toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        Not started ▾
      </button>
      {open && (
        <div id={id} className="start-error__popover" role="alert" data-testid="run-start-error">
          {text}
        </div>
      )}
    </span>
  );
}
