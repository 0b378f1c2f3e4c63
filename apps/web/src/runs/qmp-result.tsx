import { QMP_OPERATIONS, type QmpOperation } from '@mpqemu/shared';
import { useState } from 'react';
import { describeQmpResult, type BlockRow, type PciRow } from './qmp-format.ts';
import { formatTime } from './status.ts';

export interface QmpAnswer {
  op: QmpOperation;
  process: string;
  result: unknown;
  at: number;
}

export interface QmpResultProps {
  answer: QmpAnswer;
  /** Remote process of each device this process proxies, by qdev id (empty for a remote). */
  remoteOf: ReadonlyMap<string, string>;
}

/** One operation's answer, readable by default, with QEMU's JSON one click away. */
export function QmpResult({ answer, remoteOf }: QmpResultProps) {
  const view = describeQmpResult(answer.op, answer.result);
  const [rawWanted, setRaw] = useState(false);
  // An answer of an unexpected shape has no readable view: its JSON is all there is.
  const raw = rawWanted || view.kind === 'raw';
  return (
    <div className="qmp-result" data-testid="qmp-result" data-op={answer.op}>
      <div className="qmp-result__head">
        <span>
          <strong>{QMP_OPERATIONS[answer.op].label}</strong> <code>{answer.op}</code> on{' '}
          {answer.process} at {formatTime(answer.at)}
        </span>
        <button
          type="button"
          className="qmp-toggle"
          aria-pressed={raw}
          disabled={view.kind === 'raw'}
          onClick={() => setRaw(!rawWanted)}
          data-testid="qmp-raw-toggle"
        >
          raw JSON
        </button>
      </div>
      {raw ? (
        <pre className="qmp-raw" data-testid="qmp-raw">
          {JSON.stringify(answer.result, null, 2)}
        </pre>
      ) : view.kind === 'pci' ? (
        <PciTable rows={view.rows} remoteOf={remoteOf} />
      ) : view.kind === 'block' ? (
        <BlockTable rows={view.rows} withDevice={view.withDevice} />
      ) : view.kind === 'status' ? (
        <p className="qmp-line" data-testid="qmp-status-line">
          {view.line}
        </p>
      ) : (
        <p className="qmp-line" data-testid="qmp-done">
          Sent; QEMU accepted it.
        </p>
      )}
    </div>
  );
}

function PciTable({ rows, remoteOf }: { rows: PciRow[]; remoteOf: ReadonlyMap<string, string> }) {
  const proxied = rows.filter((r) => remoteOf.has(r.qdevId));
  return (
    <>
      <table className="qmp-table" data-testid="qmp-pci-table">
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Vendor:device</th>
            <th scope="col">Class</th>
            <th scope="col">qdev id</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={r.address}
              data-testid="qmp-pci-row"
              data-qdev={r.qdevId}
              className={remoteOf.has(r.qdevId) ? 'is-proxy' : undefined}
            >
              <td className="qmp-mono">{r.address}</td>
              <td
                className="qmp-mono"
                data-testid="qmp-pci-ids"
                title={remoteOf.has(r.qdevId) ? 'Not the real IDs: see the note below' : undefined}
              >
                {r.ids}
              </td>
              <td>{r.className}</td>
              <td className="qmp-mono">
                {r.qdevId}
                {remoteOf.has(r.qdevId) && (
                  <span className="qmp-tag">proxy → {remoteOf.get(r.qdevId)}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {proxied.length > 0 && (
        <p className="qmp-note" data-testid="qmp-proxy-note">
          The main QEMU does not know a proxy's IDs (QEMU 7.2 shows 0000:0000 for the first proxy,
          the previous proxy's IDs for the next); the real ones come from the QMP of its remote
          process: {proxied.map((r) => `${r.qdevId} → ${remoteOf.get(r.qdevId)}`).join(', ')}.
        </p>
      )}
    </>
  );
}

function BlockTable({ rows, withDevice }: { rows: BlockRow[]; withDevice: boolean }) {
  if (rows.length === 0) return <p className="qmp-line">No block nodes.</p>;
  return (
    <table className="qmp-table" data-testid="qmp-block-table">
      <thead>
        <tr>
          {withDevice && <th scope="col">Device</th>}
          <th scope="col">Node name</th>
          <th scope="col">Driver</th>
          <th scope="col">File</th>
          <th scope="col">Read-only</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={`${r.device ?? ''}/${r.nodeName}/${i}`} data-testid="qmp-block-row">
            {withDevice && <td className="qmp-mono">{r.device}</td>}
            <td className="qmp-mono">{r.nodeName}</td>
            <td className="qmp-mono">{r.driver}</td>
            <td className="qmp-mono qmp-file" title={r.file}>
              {r.file}
            </td>
            <td>{r.readOnly === null ? '' : r.readOnly ? 'yes' : 'no'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
