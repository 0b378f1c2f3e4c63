import type { NodeLive } from './live-run.ts';
import './live.css';

/**
 * The live state of a canvas node while its VM runs: state, pid and restarts of the QEMU process
 * that emulates it. `children` adds actions (Restart on a remote process's container).
 */
export function LiveLine({
  id,
  live,
  children,
}: {
  id: string;
  live: NodeLive;
  children?: React.ReactNode;
}) {
  const what = live.role === 'main' ? 'the main QEMU' : `remote process ${live.process}`;
  return (
    <div
      className={`live-line live-line--${live.status}`}
      data-testid={`live-${id}`}
      data-status={live.status}
      data-pid={live.pid ?? ''}
      title={`Emulated by ${what}: ${live.text}${live.pid === null ? '' : `, pid ${live.pid}`}`}
    >
      <span className="live-line__state" data-testid={`live-state-${id}`}>
        <span className="live-line__dot" aria-hidden="true" />
        {live.text}
      </span>
      <span className="live-line__pid mono">
        {live.pid === null ? 'no pid' : `pid ${live.pid}`}
      </span>
      {live.role === 'remote' && (
        <span
          className={`live-line__restarts${live.restarts > 0 ? ' is-some' : ''}`}
          data-testid={`restarts-${id}`}
          data-restarts={live.restarts}
          data-left={live.left ?? ''}
          title={`Restarted ${live.restarts} time${live.restarts === 1 ? '' : 's'} while the VM ran; ${live.budget ?? ''}`}
        >
          ↻ {live.restarts}
          {live.left !== null && ` · ${live.left} left`}
        </span>
      )}
      {children}
    </div>
  );
}

/** Class names that outline a node whose process is gone. */
export function liveClass(live: NodeLive | null): string {
  return live ? ` is-live is-live-${live.status}` : '';
}
