import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DesignerProvider } from '../designer/store/context.tsx';
import { createDesignerStore } from '../designer/store/store.ts';
import { RestartPolicyFields } from './restart-policy-fields.tsx';

function render(process: Parameters<typeof RestartPolicyFields>[0]['process']): string {
  return renderToStaticMarkup(
    <DesignerProvider store={createDesignerStore()}>
      <RestartPolicyFields process={process} />
    </DesignerProvider>,
  );
}

describe('RestartPolicyFields (server-rendered markup)', () => {
  it('shows the on-failure limits of a process and says them in words', () => {
    const html = render({
      id: 'rp0',
      label: '',
      restart: { mode: 'on-failure', maxRestarts: 5, windowSeconds: 30, backoffMs: 100 },
    });
    expect(html).toMatch(/<option value="on-failure" selected="">/);
    expect(html).toMatch(
      /data-testid="restart-max"[^>]*value="5"|value="5"[^>]*data-testid="restart-max"/,
    );
    expect(html).toMatch(
      /data-testid="restart-window"[^>]*value="30"|value="30"[^>]*data-testid="restart-window"/,
    );
    expect(html).toContain('at most 5 times in 30 s');
    // A guest reset is off unless the document asks for it.
    expect(html).toMatch(/<input type="checkbox" data-testid="restart-reset-guest"\/>/);
    const reset = render({
      id: 'rp0',
      label: '',
      restart: {
        mode: 'on-failure',
        maxRestarts: 5,
        windowSeconds: 30,
        backoffMs: 100,
        resetGuest: true,
      },
    });
    expect(reset).toMatch(/data-testid="restart-reset-guest" checked=""/);
    expect(reset).toContain('the guest is reset if it holds the dead device');
  });

  it('hides the limits when the process is never restarted', () => {
    const html = render({ id: 'rp0', label: '', restart: { mode: 'never' } });
    expect(html).toMatch(/<option value="never" selected="">/);
    expect(html).not.toContain('data-testid="restart-max"');
    expect(html).toContain('never restarted');
  });
});
