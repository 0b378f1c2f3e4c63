import { useEffect, useState } from 'react';

/**
 * The clock, read every 5 s while `active`: a restart budget grows back as old restarts leave the
 * policy's window, which the server publishes no state for.
 */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
