import { deviceModel, proxySupportText } from '@mpqemu/shared';

/** How far the catalogue vouches for proxying a model; the tooltip says why. */
export function ProxyChip({ model, compact = false }: { model: string; compact?: boolean }) {
  const proxy = deviceModel(model)?.proxy;
  if (!proxy) return null;
  const text =
    proxy.status === 'verified' ? 'proxy ✓' : proxy.status === 'untested' ? 'proxy ?' : 'main only';
  const title = proxySupportText(model) ?? undefined;
  return (
    <span
      className={`chip chip--proxy-${proxy.status}${compact ? ' chip--compact' : ''}`}
      title={title}
    >
      {text}
    </span>
  );
}
