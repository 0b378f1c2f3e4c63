/**
 * Which Host and Origin values a request may carry. A DNS-rebinding page reaches us under its own
 * name (Host: evil.example:7788), so only the loopback names and the address we were asked to
 * bind to are accepted.
 */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

function hostPart(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

export interface HostPolicy {
  allowedHosts: ReadonlySet<string>;
  allowedOrigins: ReadonlySet<string>;
}

/** The allow-lists for a server listening on `boundHost:port`. */
export function hostPolicy(boundHost: string, port: number): HostPolicy {
  const names = new Set(LOOPBACK_NAMES);
  // A wildcard address is no name a browser would send; those users reach us through loopback.
  if (boundHost !== '0.0.0.0' && boundHost !== '::') names.add(hostPart(boundHost.toLowerCase()));
  const hosts = new Set([...names].map((n) => `${n}:${port}`));
  // Browsers leave the default port out of Host and Origin.
  if (port === 80) for (const n of names) hosts.add(n);
  return { allowedHosts: hosts, allowedOrigins: new Set([...hosts].map((h) => `http://${h}`)) };
}
