import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '../api/trpc.ts';
import { formatBytes } from './status.ts';

/** The page keeps at most this much of a log; the server keeps its own bounded buffer too. */
const MAX_CHARS = 256 * 1024;

export interface ProcessLogProps {
  runId: string;
  process: string;
  /** Bytes the server dropped before this subscription started (from the run snapshot). */
  droppedAtStart: number;
}

/**
 * One process's stdout/stderr. Mount it keyed by run and process: the first chunk of a
 * subscription is the server's whole backlog, so a fresh mount starts from empty.
 */
export function ProcessLog({ runId, process, droppedAtStart }: ProcessLogProps) {
  const trpc = useTRPC();
  const [text, setText] = useState('');
  const [dropped, setDropped] = useState(droppedAtStart);
  const pre = useRef<HTMLPreElement>(null);
  const sub = useSubscription(
    trpc.runs.logs.subscriptionOptions(
      { runId, process },
      {
        onData: (chunk) => {
          setText((prev) => (prev + chunk.text).slice(-MAX_CHARS));
          setDropped(chunk.dropped);
        },
      },
    ),
  );
  useEffect(() => {
    // Follow the tail unless the user scrolled up to read.
    const el = pre.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 40) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <section className="run-log" data-testid="process-log" data-process={process}>
      <header className="run-section-title">
        Log of <strong>{process}</strong>
        {dropped > 0 && (
          <span className="run-log__dropped" data-testid="process-log-dropped">
            {dropped.toLocaleString('en')} bytes dropped ({formatBytes(dropped)})
          </span>
        )}
        {sub.status === 'error' && <span className="run-log__error">log stream lost</span>}
      </header>
      <pre ref={pre} className="run-log__text" data-testid="process-log-text">
        {text === '' ? '(no output yet)' : text}
      </pre>
    </section>
  );
}
