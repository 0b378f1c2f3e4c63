import {
  QMP_OPERATIONS,
  qmpBlockedReason,
  qmpOperationsFor,
  type ProcessInfo,
  type QmpOperation,
  type RunInfo,
} from '@mpqemu/shared';
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { errorMessage } from '../api/errors.ts';
import { useTRPC } from '../api/trpc.ts';
import { remoteOfDevice } from './qmp-access.ts';
import { QmpResult, type QmpAnswer } from './qmp-result.tsx';
import './qmp-panel.css';

export interface QmpPanelProps {
  run: RunInfo;
  process: ProcessInfo;
}

/**
 * The allow-listed QMP operations on one process of a run, and the last answer. Mount it keyed by
 * run and process: an answer belongs to the process it was asked of.
 */
/**
 * The answer with the time it arrived. A module function because the React compiler's purity check
 * takes Date.now in a callback built during render for a call during render.
 */
function stamped(data: Pick<QmpAnswer, 'op' | 'process'> & { result?: unknown }): QmpAnswer {
  return { op: data.op, process: data.process, result: data.result, at: Date.now() };
}

export function QmpPanel({ run, process }: QmpPanelProps) {
  const trpc = useTRPC();
  const [answer, setAnswer] = useState<QmpAnswer | null>(null);
  const [confirming, setConfirming] = useState<QmpOperation | null>(null);
  const qmp = useMutation(
    trpc.runs.qmp.mutationOptions({
      onSuccess: (data) => setAnswer(stamped(data)),
    }),
  );
  // Only the main QEMU holds proxies; in a remote process the same qdev id is the real device.
  const remoteOf = useMemo(
    () => (process.role === 'main' ? remoteOfDevice(run.processes) : new Map<string, string>()),
    [process.role, run.processes],
  );
  const blocked = qmpBlockedReason(run.status, process)?.message ?? null;
  const send = (op: QmpOperation) => {
    setConfirming(null);
    qmp.mutate({ runId: run.id, process: process.name, op });
  };
  return (
    <section className="qmp-panel" data-testid="qmp-panel" data-process={process.name}>
      <header className="run-section-title">
        QMP of <strong>{process.name}</strong>
        {blocked !== null && (
          <span className="qmp-blocked" data-testid="qmp-blocked">
            {blocked}
          </span>
        )}
      </header>
      <div className="qmp-ops" role="group" aria-label={`QMP operations on ${process.name}`}>
        {qmpOperationsFor(process.role).map((op) => {
          const info = QMP_OPERATIONS[op];
          const pending = qmp.isPending && qmp.variables.op === op;
          return (
            <button
              key={op}
              type="button"
              className={info.readOnly ? 'qmp-op' : 'qmp-op qmp-op--acts'}
              title={`${op}: ${info.description}`}
              disabled={blocked !== null || qmp.isPending}
              aria-busy={pending}
              onClick={() => (info.readOnly ? send(op) : setConfirming(op))}
              data-testid="qmp-op"
              data-op={op}
            >
              {info.label}
              {pending && '…'}
            </button>
          );
        })}
      </div>
      {confirming !== null && blocked === null && (
        <div
          className="qmp-confirm"
          role="alertdialog"
          aria-label="Confirm"
          data-testid="qmp-confirm"
        >
          <span>
            <strong>{QMP_OPERATIONS[confirming].label}</strong> on the running guest?{' '}
            {QMP_OPERATIONS[confirming].description}
          </span>
          <button
            type="button"
            className="qmp-op qmp-op--acts"
            onClick={() => send(confirming)}
            data-testid="qmp-confirm-yes"
            autoFocus
          >
            {QMP_OPERATIONS[confirming].label}
          </button>
          <button
            type="button"
            className="qmp-op"
            onClick={() => setConfirming(null)}
            data-testid="qmp-confirm-cancel"
          >
            Cancel
          </button>
        </div>
      )}
      {qmp.isError && (
        <p className="qmp-error" role="alert" data-testid="qmp-error">
          <code>{qmp.variables.op}</code> failed: {errorMessage(qmp.error)}
        </p>
      )}
      {answer && <QmpResult answer={answer} remoteOf={remoteOf} />}
    </section>
  );
}
