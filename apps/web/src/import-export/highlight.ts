import type { ImportIssue, SourceSpan } from '@mpqemu/shared';

export interface Segment {
  text: string;
  /** The worst issue on this stretch of text, if any. */
  mark?: { severity: ImportIssue['severity']; message: string; id: number };
}

const RANK = { error: 2, warning: 1, info: 0 } as const;

/**
 * Cuts the pasted text into plain and marked stretches, one mark per issue span (info issues
 * are not marked). Where spans overlap the worse issue wins (an error inside a word that is also
 * an extra argument), so a character is marked once.
 */
export function highlightSegments(text: string, issues: readonly ImportIssue[]): Segment[] {
  const candidates = issues
    .map((issue, id) => ({ issue, id, span: issue.span }))
    .filter(
      (m): m is { issue: ImportIssue; id: number; span: SourceSpan } =>
        m.span !== undefined && m.issue.severity !== 'info',
    )
    .sort((a, b) => RANK[b.issue.severity] - RANK[a.issue.severity] || a.span.start - b.span.start);
  const chosen: { issue: ImportIssue; id: number; start: number; end: number }[] = [];
  for (const { issue, id, span } of candidates) {
    // An error at the end of the text (an unterminated quote) still gets one visible character.
    const start = Math.min(span.start, text.length);
    const end = Math.max(Math.min(span.end, text.length), Math.min(start + 1, text.length));
    if (chosen.some((c) => start < c.end && c.start < end)) continue;
    chosen.push({ issue, id, start, end });
  }
  chosen.sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  let at = 0;
  for (const { issue, id, start, end } of chosen) {
    if (start > at) out.push({ text: text.slice(at, start) });
    out.push({
      text: text.slice(start, end) || ' ',
      mark: { severity: issue.severity, message: issue.message, id },
    });
    at = end;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}
