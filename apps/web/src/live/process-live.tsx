import { JailBadge } from './jail-badge.tsx';
import { LiveLine } from './live-line.tsx';
import type { NodeLive } from './live-run.ts';
import { RestartButton } from './restart-button.tsx';
import { useLiveRun } from './use-live-run.ts';

/** A remote process container's live line while its VM runs, with its Restart button. */
export function ProcessLive({ id, live }: { id: string; live: NodeLive }) {
  const run = useLiveRun();
  return (
    <div className="container__live">
      <LiveLine id={id} live={live}>
        <JailBadge id={id} jail={live.jail} />
        {run && (
          <RestartButton
            run={run}
            process={{ name: live.process, role: live.role, status: live.status }}
            testId={`restart-${id}`}
          />
        )}
      </LiveLine>
    </div>
  );
}
