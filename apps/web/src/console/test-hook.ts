import type { Terminal } from '@xterm/xterm';

declare global {
  interface Window {
    /**
     * Text of the open serial consoles by run id, for end-to-end tests: xterm draws only the
     * visible rows, so the DOM cannot show what scrolled away.
     */
    __mpqemuConsoles?: Record<string, () => string>;
  }
}

/** Publishes a terminal's buffer text on `window.__mpqemuConsoles[runId]`; returns the undo. */
export function registerConsole(runId: string, term: Terminal): () => void {
  const consoles = (window.__mpqemuConsoles ??= {});
  const read = () => bufferText(term);
  consoles[runId] = read;
  return () => {
    if (consoles[runId] === read) delete consoles[runId];
  };
}

function bufferText(term: Terminal): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    if (!line) continue;
    // Wrapped rows continue the previous line; join them so a long line reads as one.
    if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += line.translateToString(true);
    else lines.push(line.translateToString(true));
  }
  return lines.join('\n').trimEnd();
}
