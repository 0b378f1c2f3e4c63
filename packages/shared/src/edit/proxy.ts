import { deviceModel } from '../catalogue.ts';

/** Whether the catalogue lets `model` run in a remote process at all. */
export function canProxy(model: string): boolean {
  return deviceModel(model)?.proxy.status !== 'unsupported';
}

/**
 * The catalogue's verdict on proxying `model`, in one line for a tooltip or hint:
 * "Cannot be proxied: <why>" or "Proxy verified: <note>"; null for an unknown model.
 */
export function proxySupportText(model: string): string | null {
  const proxy = deviceModel(model)?.proxy;
  if (!proxy) return null;
  return proxy.status === 'unsupported'
    ? `Cannot be proxied: ${proxy.reason}`
    : `Proxy ${proxy.status}: ${proxy.note}`;
}

/** Why `model` may not go into a remote process, as a full sentence; null when it may. */
export function proxyRefusal(model: string): string | null {
  const proxy = deviceModel(model)?.proxy;
  return proxy?.status === 'unsupported'
    ? `${model} cannot run in a remote process: ${proxy.reason}`
    : null;
}
