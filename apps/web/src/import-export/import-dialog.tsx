import { useMemo, useRef, useState, type ChangeEvent } from 'react';
import {
  importText,
  validate,
  type Capabilities,
  type ImportResult,
  type SourceSpan,
  type Topology,
} from '@mpqemu/shared';
import { Modal } from '../shell/modal.tsx';
import { ExtraArgsTable } from './extra-args-table.tsx';
import { highlightSegments } from './highlight.ts';
import './import-export.css';

export interface ImportDialogProps {
  /** Called with the imported document; the dialog does not close itself. */
  /** The topology and the whole result, whose issues and extra arguments become the report. */
  onImport: (topology: Topology, result: ImportResult) => void;
  onClose: () => void;
  /** Text to start with (e.g. a file dropped on the canvas). */
  initialText?: string;
  /** The capabilities the designer validates with, so the summary's counts match its own. */
  capabilities?: Capabilities;
}

/** Largest file we read into the text box; command lines and topologies are far smaller. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

function Summary({ result, caps }: { result: ImportResult; caps: Capabilities | undefined }) {
  const { topology } = result;
  if (!topology) return <p className="field__error">Fix the errors below to import this text.</p>;
  const problems = validate(topology, caps);
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <p data-testid="import-summary">
      VM <span className="mono">{topology.vm.name}</span>: {topology.processes.length} remote
      process(es), {topology.devices.length} device(s), {topology.drives.length} drive(s).{' '}
      {problems.length > 0 && (
        <span className="muted">
          The designer will show {errors} error(s) and {problems.length - errors} warning(s).
        </span>
      )}
    </p>
  );
}

/** Paste QEMU command lines or a topology JSON (or choose a file) and import it. */
export function ImportDialog({
  onImport,
  onClose,
  initialText = '',
  capabilities,
}: ImportDialogProps) {
  const [text, setText] = useState(initialText);
  const [fileError, setFileError] = useState<string | null>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const result = useMemo(() => (text.trim() === '' ? null : importText(text)), [text]);
  const segments = useMemo(
    () => (result ? highlightSegments(text, result.issues) : []),
    [text, result],
  );
  const marked = segments.some((s) => s.mark);

  const select = (span: SourceSpan) => {
    const el = textarea.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(span.start, span.end);
  };

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setFileError(`${file.name} is larger than 4 MiB: not a topology or a command line`);
      return;
    }
    setFileError(null);
    setText(await file.text());
  };

  const topology = result?.topology ?? null;
  return (
    <Modal
      title="Import"
      testId="import-dialog"
      onClose={onClose}
      wide
      actions={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn--primary"
            data-testid="import-confirm"
            disabled={!topology}
            onClick={() => topology && result && onImport(topology, result)}
          >
            Import
          </button>
        </>
      }
    >
      <p className="muted">
        Paste QEMU command lines (the remote processes and the main QEMU, classic or JSON option
        syntax, with \ continuations) or a topology JSON. Nothing is launched: arguments that are
        not understood are listed below and left out.
      </p>
      <textarea
        ref={textarea}
        className="input import__text mono"
        data-testid="import-text"
        spellCheck={false}
        rows={12}
        value={text}
        placeholder={'qemu-system-x86_64 -machine x-remote \\\n  -device lsi53c895a,id=lsi0 ...'}
        onChange={(e) => setText(e.target.value)}
      />
      <label className="import__file">
        Or choose a file:{' '}
        <input type="file" accept=".json,.sh,.txt,text/*" onChange={(e) => void onFile(e)} />
      </label>
      {fileError && <p className="field__error">{fileError}</p>}
      {result && <Summary result={result} caps={capabilities} />}
      {marked && (
        <pre className="import__preview mono" data-testid="import-preview">
          {segments.map((s, i) =>
            s.mark ? (
              <mark
                key={i}
                className={`import__mark import__mark--${s.mark.severity}`}
                title={s.mark.message}
              >
                {s.text}
              </mark>
            ) : (
              <span key={i}>{s.text}</span>
            ),
          )}
        </pre>
      )}
      {result && result.issues.length > 0 && (
        <ul className="import__issues" data-testid="import-issues">
          {result.issues.map((issue, i) => (
            <li key={i} className={`import__issue import__issue--${issue.severity}`}>
              <span className={`chip chip--${issue.severity === 'error' ? 'error' : 'warning'}`}>
                {issue.severity}
              </span>{' '}
              {issue.span ? (
                <button
                  type="button"
                  className="btn btn--small"
                  onClick={() => issue.span && select(issue.span)}
                >
                  {issue.span.line}:{issue.span.column}
                </button>
              ) : null}{' '}
              {issue.message}
            </li>
          ))}
        </ul>
      )}
      {result && result.extraArgs.length > 0 && (
        <ExtraArgsTable extraArgs={result.extraArgs} onSelect={select} />
      )}
    </Modal>
  );
}
