import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api/index.ts';
import { Modal } from '../shell/modal.tsx';
import type { useTopologyFiles } from './use-topology-files.ts';
import './open-dialog.css';

const when = (ms: number) => new Date(ms).toLocaleString();

/** The server's topologies and the samples, to open one. */
export function OpenDialog({
  files,
  onClose,
}: {
  files: ReturnType<typeof useTopologyFiles>;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const list = useQuery(trpc.topologies.list.queryOptions());
  const samples = useQuery(trpc.topologies.samples.queryOptions());
  return (
    <Modal title="Open topology" testId="open-dialog" onClose={onClose} wide>
      <h3 className="modal__section">Saved on this server</h3>
      {list.isPending && <p className="muted">Loading…</p>}
      {list.error && <p className="field__error">{list.error.message}</p>}
      {list.data?.length === 0 && <p className="muted">Nothing saved yet.</p>}
      <ul className="file-list">
        {list.data?.map((item) => (
          <li key={item.name}>
            <button
              type="button"
              className="file-list__item"
              data-testid={`open-${item.name}`}
              disabled={!item.ok}
              onClick={() => {
                onClose();
                void files.open(item.name);
              }}
            >
              <span className="file-list__name">{item.name}</span>
              {item.ok ? (
                <span className="file-list__meta">
                  <span className="mono muted">{item.vmName}</span>
                  {item.errors > 0 && (
                    <span className="chip chip--error">
                      {item.errors} error{item.errors === 1 ? '' : 's'}
                    </span>
                  )}
                  {item.warnings > 0 && (
                    <span className="chip chip--warning">
                      {item.warnings} warning{item.warnings === 1 ? '' : 's'}
                    </span>
                  )}
                  <span className="muted">{when(item.modifiedAt)}</span>
                </span>
              ) : (
                <span
                  className="file-list__meta field__error"
                  title={item.loadErrors.map((e) => `${e.path}: ${e.message}`).join('\n')}
                >
                  cannot be loaded: {item.loadErrors[0]?.message}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      <h3 className="modal__section">Samples</h3>
      <ul className="file-list">
        {samples.data?.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className="file-list__item"
              data-testid={`sample-${s.id}`}
              onClick={() => {
                onClose();
                void files.newDocument(s.topology, s.title);
              }}
            >
              <span className="file-list__name">{s.title}</span>
              <span className="file-list__meta muted">{s.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
