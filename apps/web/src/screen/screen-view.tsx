import RFB from '@novnc/novnc';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/errors.ts';
import { useTRPCClient } from '../api/trpc.ts';
import { downloadBlob, safeFileName } from '../import-export/download.ts';
import './screen-view.css';

export interface ScreenViewProps {
  runId: string;
  vmName: string;
  /** The VM still runs: the screen takes keyboard and mouse. */
  interactive: boolean;
}

type Link = { state: 'connecting' } | { state: 'connected' } | { state: 'closed'; reason: string };

/** The server's screen socket for `runId`: same origin, so the page's cookie goes with it. */
function screenUrl(runId: string): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/screen/${encodeURIComponent(runId)}`;
}

function pngBlob(base64: string): Blob {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: 'image/png' });
}

/**
 * The VM's screen through noVNC, over the server's WebSocket to the main QEMU's VNC socket.
 * Loaded only when the Screen tab opens (noVNC is not in the initial bundle).
 */
export default function ScreenView({ runId, vmName, interactive }: ScreenViewProps) {
  const client = useTRPCClient();
  const frame = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  // noVNC's client is mutable by design (its settings are properties): a ref, not state.
  const rfb = useRef<RFB | null>(null);
  const [link, setLink] = useState<Link>({ state: 'connecting' });
  const [fit, setFit] = useState(true);
  const [shotError, setShotError] = useState<string | null>(null);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const r = new RFB(el, screenUrl(runId), { shared: true });
    r.background = 'transparent';
    r.focusOnClick = true;
    const onConnect = () => setLink({ state: 'connected' });
    const onDisconnect = (e: Event) => {
      const clean = (e as CustomEvent<{ clean: boolean }>).detail.clean;
      setLink({
        state: 'closed',
        reason: clean ? 'The screen was closed.' : 'The screen connection was lost.',
      });
    };
    r.addEventListener('connect', onConnect);
    r.addEventListener('disconnect', onDisconnect);
    rfb.current = r;
    return () => {
      r.removeEventListener('connect', onConnect);
      r.removeEventListener('disconnect', onDisconnect);
      r.disconnect();
      rfb.current = null;
    };
  }, [runId]);

  useEffect(() => {
    const r = rfb.current;
    if (!r) return;
    r.scaleViewport = fit;
    r.viewOnly = !interactive;
  }, [runId, fit, interactive]);

  const screenshot = async () => {
    setShotError(null);
    try {
      const shot = await client.runs.screenshot.mutate({ runId });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      downloadBlob(`${safeFileName(vmName, 'vm')}-screen-${stamp}.png`, pngBlob(shot.pngBase64));
    } catch (e) {
      setShotError(errorMessage(e));
    }
  };

  const connected = link.state === 'connected';
  return (
    <div className="screen-view" ref={frame} data-testid="screen-view" data-state={link.state}>
      <div className="screen-view__bar" role="toolbar" aria-label="Screen">
        <div className="screen-view__group" role="group" aria-label="Scale">
          <button
            type="button"
            className="btn btn--small"
            aria-pressed={fit}
            onClick={() => setFit(true)}
          >
            Fit
          </button>
          <button
            type="button"
            className="btn btn--small"
            aria-pressed={!fit}
            onClick={() => setFit(false)}
          >
            1:1
          </button>
        </div>
        <button
          type="button"
          className="btn btn--small"
          disabled={!connected || !interactive}
          onClick={() => rfb.current?.sendCtrlAltDel()}
        >
          Ctrl+Alt+Del
        </button>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => void frame.current?.requestFullscreen()}
        >
          Full screen
        </button>
        <button
          type="button"
          className="btn btn--small"
          disabled={!interactive}
          data-testid="screen-screenshot"
          onClick={() => void screenshot()}
        >
          Screenshot
        </button>
        <span className="screen-view__state" role="status" data-testid="screen-state">
          {link.state === 'connecting' && 'Connecting…'}
          {link.state === 'connected' && (interactive ? 'Live' : 'Live, view only')}
          {link.state === 'closed' && link.reason}
        </span>
      </div>
      <div
        ref={host}
        className={`screen-view__screen${fit ? ' is-fit' : ''}`}
        data-testid="screen-canvas-host"
      />
      {shotError !== null && (
        <p className="screen-view__note" role="status">
          Screenshot failed: {shotError}
        </p>
      )}
    </div>
  );
}
