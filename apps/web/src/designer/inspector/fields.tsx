import { useState, type ReactNode } from 'react';

/** Local text while typing, reset whenever the document value changes underneath (undo). */
function useDraft(value: string): [string, (v: string) => void] {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setDraft(value);
  }
  return [draft, setDraft];
}

export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | null | undefined;
  children: ReactNode;
}) {
  return (
    <label className={`field${error ? ' field--error' : ''}`}>
      <span className="field__label">{label}</span>
      {children}
      {error ? (
        <span className="field__error" role="alert">
          {error}
        </span>
      ) : hint ? (
        <span className="field__hint">{hint}</span>
      ) : null}
    </label>
  );
}

interface TextProps {
  label: string;
  value: string;
  /** Called on every keystroke; the store merges one field's keystrokes into one undo step. */
  onChange: (v: string) => void;
  testId: string;
  placeholder?: string;
  mono?: boolean;
  hint?: ReactNode;
  error?: string | null | undefined;
}

export function TextField({
  label,
  value,
  onChange,
  testId,
  placeholder,
  mono,
  hint,
  error,
}: TextProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      <input
        className={`input${mono ? ' mono' : ''}`}
        data-testid={testId}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
    </Field>
  );
}

/**
 * An id: renamed on Enter or blur, since every reference follows it. A refused name stays in
 * the box with the reason, and Escape restores the current id.
 */
export function IdField({
  value,
  onRename,
  testId,
  label = 'Id',
}: {
  value: string;
  onRename: (to: string) => string | null;
  testId: string;
  label?: string;
}) {
  const [draft, setDraft] = useDraft(value);
  // A refusal belongs to the id it was refused for: once the id changes (undo, another
  // selection) it no longer shows.
  const [refusal, setRefusal] = useState<{ of: string; message: string | null } | null>(null);
  const error = refusal?.of === value ? refusal.message : null;
  const setError = (message: string | null) => setRefusal({ of: value, message });
  const commit = () => {
    if (draft === value) {
      setError(null);
      return;
    }
    setError(onRename(draft));
  };
  return (
    <Field label={label} error={error} hint="Renaming updates every reference">
      <input
        className="input mono"
        data-testid={testId}
        value={draft}
        spellCheck={false}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setDraft(value);
            setError(null);
          }
        }}
      />
    </Field>
  );
}

interface NumberProps {
  label: string;
  value: number | undefined;
  min: number;
  max: number;
  /** Only values within [min, max] reach the document, so it always stays schema-valid. */
  onChange: (v: number | undefined) => void;
  testId: string;
  optional?: boolean;
  placeholder?: string;
  hint?: ReactNode;
  suffix?: string;
  /** Shown as `0x1f` (PCI slots); typing decimal or `0x` hex both work. */
  hex?: boolean;
}

export function NumberField({
  label,
  value,
  min,
  max,
  onChange,
  testId,
  optional,
  placeholder,
  hint,
  suffix,
  hex,
}: NumberProps) {
  const shown = value === undefined ? '' : hex ? `0x${value.toString(16)}` : String(value);
  const [draft, setDraft] = useDraft(shown);
  const parsed = draft.trim() === '' ? undefined : Number(draft);
  const valid =
    parsed === undefined
      ? optional === true
      : Number.isInteger(parsed) && parsed >= min && parsed <= max;
  return (
    <Field
      label={label}
      hint={hint}
      error={valid ? null : `a whole number from ${min} to ${max}${optional ? ', or empty' : ''}`}
    >
      <span className="input-wrap">
        <input
          className="input mono"
          data-testid={testId}
          inputMode="numeric"
          value={draft}
          placeholder={placeholder}
          onChange={(e) => {
            const text = e.target.value;
            setDraft(text);
            const n = text.trim() === '' ? undefined : Number(text);
            if (n === undefined ? optional : Number.isInteger(n) && n >= min && n <= max)
              onChange(n);
          }}
        />
        {suffix && <span className="input-suffix">{suffix}</span>}
      </span>
    </Field>
  );
}

export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
  hint,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string; disabled?: boolean; title?: string }[];
  onChange: (v: T) => void;
  testId: string;
  hint?: ReactNode;
}) {
  return (
    <Field label={label} hint={hint}>
      <select
        className="input"
        data-testid={testId}
        value={value}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled} title={o.title}>
            {o.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckField({
  label,
  checked,
  onChange,
  testId,
  disabled,
  title,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  testId: string;
  disabled?: boolean;
  title?: string | undefined;
}) {
  return (
    <label className="check" title={title}>
      <input
        type="checkbox"
        data-testid={testId}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
      <span>{label}</span>
    </label>
  );
}

export function Section({
  title,
  children,
  aside,
}: {
  title: string;
  children: ReactNode;
  aside?: ReactNode;
}) {
  return (
    <section className="insp-section">
      <h3 className="insp-section__title">
        <span>{title}</span>
        {aside}
      </h3>
      {children}
    </section>
  );
}
