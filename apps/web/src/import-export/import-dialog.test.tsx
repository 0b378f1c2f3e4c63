import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ImportDialog } from './import-dialog.tsx';

const noop = () => undefined;

describe('ImportDialog (server-rendered markup)', () => {
  it('summarises an import and lists its extra arguments', () => {
    const html = renderToStaticMarkup(
      <ImportDialog
        onImport={noop}
        onClose={noop}
        initialText={'qemu-system-x86_64 -name demo -m 512 -device e1000e,id=nic0 -cpu host'}
      />,
    );
    expect(html).toContain('data-testid="import-summary"');
    expect(html).toContain('<span class="mono">demo</span>');
    expect(html).toMatch(/data-testid="import-extras".*-cpu host/s);
    expect(html).toMatch(/<mark class="import__mark import__mark--warning"[^>]*>host<\/mark>/);
    expect(html).not.toMatch(/data-testid="import-confirm"[^>]*disabled/);
  });

  it('highlights a parse error and disables Import', () => {
    const html = renderToStaticMarkup(
      <ImportDialog
        onImport={noop}
        onClose={noop}
        initialText={`qemu-system-x86_64 -device '{"driver": x}'`}
      />,
    );
    expect(html).toMatch(/<mark class="import__mark import__mark--error"[^>]*>/);
    expect(html).toMatch(
      /<button[^>]*disabled=""[^>]*data-testid="import-confirm"|data-testid="import-confirm"[^>]*disabled=""/,
    );
  });
});
