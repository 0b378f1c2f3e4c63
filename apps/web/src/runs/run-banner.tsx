import { VM_NODE_ID, type RunInfo } from '@mpqemu/shared';
import { ShowNodeButton } from '../live/show-node-button.tsx';

/**
 * Says loudly that a run is degraded or failed, which process caused it and why. A killed remote
 * leaves the main QEMU running with no QMP event, so without this the user would see a healthy VM.
 */
export function RunBanner({ run }: { run: RunInfo }) {
  if (run.status !== 'degraded' && run.status !== 'failed') return null;
  const title =
    run.status === 'degraded'
      ? `Degraded: ${run.culprit ?? 'a process'} is gone`
      : `Failed${run.culprit ? `: ${run.culprit}` : ''}`;
  return (
    <div
      className={`run-banner run-banner--${run.status}`}
      role="alert"
      data-testid="run-banner"
      data-status={run.status}
      data-culprit={run.culprit ?? ''}
    >
      <strong className="run-banner__title">{title}</strong>
      {run.culprit !== null && (
        <ShowNodeButton
          id={run.culprit === 'main' ? VM_NODE_ID : run.culprit}
          label={`Show ${run.culprit} on the canvas`}
        />
      )}
      {run.reason !== null && <p className="run-banner__reason">{run.reason}</p>}
      {run.culpritLog.length > 0 && (
        <pre className="run-banner__log" data-testid="run-banner-log">
          {run.culpritLog.join('\n')}
        </pre>
      )}
    </div>
  );
}
