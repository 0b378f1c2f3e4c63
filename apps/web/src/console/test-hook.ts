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
  const read = () => bufferText(term);
  window.__mpqemuConsoles = { ...window.__mpqemuConsoles, [runId]: read };
  return () => {
    const { [runId]: current, ...others } = window.__mpqemuConsoles ?? {};
    if (current === read) window.__mpqemuConsoles = others;
  };
}

function bufferText(term: Terminal): string {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    if (!line) continue;
    // Wrapped rows continue the previous line; join them so a long line reads as one.
    const previous = line.isWrapped ? lines.pop() : undefined;
    lines.push((previous ?? '') + line.translateToString(true));
  }
  return lines.join('\n').trimEnd();
}
