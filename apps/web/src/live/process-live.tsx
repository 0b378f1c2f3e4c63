import { LiveLine } from './live-line.tsx';
import type { NodeLive } from './live-run.ts';

/** A remote process container's live line while its VM runs. */
export function ProcessLive({ id, live }: { id: string; live: NodeLive }) {
  return (
    <div className="container__live">
      <LiveLine id={id} live={live} />
    </div>
  );
}
