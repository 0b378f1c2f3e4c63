import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/errors.ts';
import { useTRPC, useTRPCClient } from '../api/trpc.ts';
import { cssToken } from '../styles/css-token.ts';
import { createInputQueue } from './input-queue.ts';
import { registerConsole } from './test-hook.ts';
import './serial-console.css';

export interface SerialConsoleProps {
  runId: string;
  /** The VM still runs: keystrokes go to its serial port. */
  interactive: boolean;
}

/**
 * The guest's serial port in a terminal. The first chunk of the subscription is the server's
 * backlog, so the boot messages show even when the console mounts after the guest booted.
 */
export default function SerialConsole({ runId, interactive }: SerialConsoleProps) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const host = useRef<HTMLDivElement>(null);
  const [term, setTerm] = useState<Terminal | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const t = new Terminal({
      convertEol: false,
      cursorBlink: true,
      fontSize: 13,
      scrollback: 5000,
      // The terminal tokens are the same in both themes, so reading them once is enough.
      theme: { background: cssToken(el, '--term-bg'), foreground: cssToken(el, '--term-fg') },
    });
    const fit = new FitAddon();
    t.loadAddon(fit);
    t.open(el);
    fit.fit();
    // Fit on panel resizes too, not only on window resizes.
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(el);
    const unregister = registerConsole(runId, t);
    setTerm(t);
    return () => {
      unregister();
      observer.disconnect();
      t.dispose();
      setTerm(null);
    };
  }, [runId]);

  useEffect(() => {
    if (!term || !interactive) return;
    const queue = createInputQueue(
      (data) => client.runs.consoleInput.mutate({ runId, data }),
      (e) => setInputError(errorMessage(e)),
    );
    const sub = term.onData((data) => queue.push(data));
    return () => sub.dispose();
  }, [term, interactive, client, runId]);

  const stream = useSubscription(
    trpc.runs.console.subscriptionOptions(
      { runId },
      { enabled: term !== null, onData: (chunk) => term?.write(chunk) },
    ),
  );

  return (
    <div className="serial-console" data-testid="serial-console" data-run-id={runId}>
      <div ref={host} className="serial-console__term" data-testid="serial-console-term" />
      {stream.status === 'error' && (
        <p className="serial-console__note" role="status">
          Console stream lost: {errorMessage(stream.error)}
        </p>
      )}
      {inputError !== null && (
        <p className="serial-console__note" role="status">
          Typing failed: {inputError}
        </p>
      )}
      {!interactive && <p className="serial-console__note">The VM has stopped; read only.</p>}
    </div>
  );
}
