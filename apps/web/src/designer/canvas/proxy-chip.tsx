import { deviceModel, proxySupport, proxySupportText } from '@mpqemu/shared';
import { useDesigner } from '../store/context.tsx';

/**
 * How far the catalogue, or doctor's measurement of the host's QEMU, vouches for proxying a model;
 * the tooltip says why and where the fact comes from.
 */
export function ProxyChip({ model, compact = false }: { model: string; compact?: boolean }) {
  const caps = useDesigner((s) => s.caps);
  const machine = useDesigner((s) => s.topology.vm.machine);
  if (!deviceModel(model)) return null;
  const proxy = proxySupport(model, caps, machine);
  const text =
    proxy.status === 'verified' ? 'proxy ✓' : proxy.status === 'untested' ? 'proxy ?' : 'main only';
  const title = proxySupportText(model, caps, machine) ?? undefined;
  return (
    <span
      className={`chip chip--proxy-${proxy.status}${compact ? ' chip--compact' : ''}`}
      data-source={proxy.source}
      title={title}
    >
      {text}
    </span>
  );
}
