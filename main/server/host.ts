const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether a `Host` header names this machine. Checked on every request as a DNS-rebinding defence: a hostile page
 * whose domain was re-pointed at 127.0.0.1 still sends its own domain as `Host`.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const lower = host.toLowerCase();
  // A bare `::1` (as given to `listen`) would lose its last group to the port-stripping.
  return LOOPBACK_HOSTNAMES.has(lower) || LOOPBACK_HOSTNAMES.has(lower.replace(/:\d+$/, ''));
}

/** `host` as it appears in a URL (IPv6 addresses in brackets). */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
