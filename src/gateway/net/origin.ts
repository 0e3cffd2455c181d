// Browser Origin policy for WebSocket upgrades: a page may connect only from a loopback origin or
// from the gateway's own host (its Control UI). Non-browser clients send no Origin and pass.

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isOriginAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (LOOPBACK_HOSTS.has(url.hostname)) return true;
  return hostHeader !== undefined && url.host.toLowerCase() === hostHeader.toLowerCase();
}
