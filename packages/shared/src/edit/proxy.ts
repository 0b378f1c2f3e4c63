import { DEFAULT_CAPABILITIES, type Capabilities } from '../capabilities.ts';
import { deviceModel } from '../catalogue.ts';
import { proxySupport } from '../measured.ts';

/**
 * Whether `model` may run in a remote process at all: the catalogue's default, or what doctor
 * measured on the host's QEMU when `caps` carries it.
 */
export function canProxy(
  model: string,
  caps: Capabilities = DEFAULT_CAPABILITIES,
  machine?: string,
): boolean {
  if (!deviceModel(model)) return false;
  return proxySupport(model, caps, machine).status !== 'unsupported';
}

/** The effective proxy support of a known model, or null for an unknown one. */
function supportOf(model: string, caps: Capabilities, machine: string | undefined) {
  return deviceModel(model) ? proxySupport(model, caps, machine) : null;
}

/**
 * The verdict on proxying `model` (the catalogue's, or doctor's measurement when `caps` carries
 * one), in one line for a tooltip or hint: "Cannot be proxied: <why>" or "Proxy verified: <note>";
 * null for an unknown model.
 */
export function proxySupportText(
  model: string,
  caps: Capabilities = DEFAULT_CAPABILITIES,
  machine?: string,
): string | null {
  const proxy = supportOf(model, caps, machine);
  if (!proxy) return null;
  return proxy.status === 'unsupported'
    ? `Cannot be proxied: ${proxy.reason}`
    : `Proxy ${proxy.status}: ${proxy.note}`;
}

/** Why `model` may not go into a remote process, as a full sentence; null when it may. */
export function proxyRefusal(
  model: string,
  caps: Capabilities = DEFAULT_CAPABILITIES,
  machine?: string,
): string | null {
  const proxy = supportOf(model, caps, machine);
  return proxy?.status === 'unsupported'
    ? `${model} cannot run in a remote process: ${proxy.reason}`
    : null;
}
