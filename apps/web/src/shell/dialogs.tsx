/**
 * Promise-returning dialogs (confirm, ask for a name), so that flows such as "discard unsaved
 * changes, then open" read top to bottom. One host renders whichever dialog is pending.
 */
import { useState, type ReactNode } from 'react';
import { create } from 'zustand';
import { Modal } from './modal.tsx';

type Pending =
  | {
      kind: 'confirm';
      title: string;
      body: ReactNode;
      confirm: string;
      danger: boolean;
      resolve: (ok: boolean) => void;
    }
  | {
      kind: 'prompt';
      title: string;
      label: string;
      initial: string;
      confirm: string;
      check: (v: string) => string | null;
      resolve: (v: string | null) => void;
    };

const useDialogs = create<{ pending: Pending | null }>(() => ({ pending: null }));

export function confirmDialog(options: {
  title: string;
  body: ReactNode;
  confirm: string;
  danger?: boolean;
}): Promise<boolean> {
  return new Promise((resolve) =>
    useDialogs.setState({ pending: { kind: 'confirm', danger: false, ...options, resolve } }),
  );
}

export function promptDialog(options: {
  title: string;
  label: string;
  initial: string;
  confirm: string;
  check: (v: string) => string | null;
}): Promise<string | null> {
  return new Promise((resolve) =>
    useDialogs.setState({ pending: { kind: 'prompt', ...options, resolve } }),
  );
}

function close() {
  useDialogs.setState({ pending: null });
}

function PromptBody({ p }: { p: Extract<Pending, { kind: 'prompt' }> }) {
  const [value, setValue] = useState(p.initial);
  const problem = p.check(value);
  const submit = () => {
    if (problem) return;
    close();
    p.resolve(value);
  };
  return (
    <Modal
      title={p.title}
      testId="prompt-dialog"
      onClose={() => {
        close();
        p.resolve(null);
      }}
      actions={
        <>
          <button
            type="button"
            className="btn"
            onClick={() => {
              close();
              p.resolve(null);
            }}
          >
            Cancel
          </button>
          <button
            type="button"
            className="btn btn--primary"
            data-testid="prompt-ok"
            disabled={problem !== null}
            onClick={submit}
          >
            {p.confirm}
          </button>
        </>
      }
    >
      <label className="field">
        <span className="field__label">{p.label}</span>
        <input
          className="input"
          data-testid="prompt-input"
          autoFocus
          value={value}
          spellCheck={false}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && submit()}
        />
        {problem && value !== '' && <span className="field__error">{problem}</span>}
      </label>
    </Modal>
  );
}

/** Renders the pending dialog; mount once. */
export function DialogHost() {
  const pending = useDialogs((s) => s.pending);
  if (!pending) return null;
  if (pending.kind === 'prompt') return <PromptBody key={pending.title} p={pending} />;
  const answer = (ok: boolean) => {
    close();
    pending.resolve(ok);
  };
  return (
    <Modal
      title={pending.title}
      testId="confirm-dialog"
      onClose={() => answer(false)}
      actions={
        <>
          <button
            type="button"
            className="btn"
            data-testid="confirm-cancel"
            onClick={() => answer(false)}
          >
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${pending.danger ? 'btn--danger' : 'btn--primary'}`}
            data-testid="confirm-ok"
            autoFocus
            onClick={() => answer(true)}
          >
            {pending.confirm}
          </button>
        </>
      }
    >
      {pending.body}
    </Modal>
  );
}
