// The Content-Security-Policy sent with every app:// document (pure). Scripts only from our own files,
// no inline scripts, no eval; the only network the page may reach besides itself is the gateway's
// loopback port. Inline styles stay allowed: React and the virtual list set style attributes.

import type { DesktopState } from '../shared/desktop-api';

export function buildContentSecurityPolicy(gatewayPorts: readonly number[]): string {
  const gateway = [...new Set(gatewayPorts)]
    .filter((p) => Number.isInteger(p) && p > 0 && p < 65536)
    .flatMap((p) => [`ws://127.0.0.1:${p}`, `http://127.0.0.1:${p}`]);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...gateway].join(' ')}`,
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The loopback port clients reach the gateway on (the local gateway or the tunnel's local end). */
export function gatewayPortsOf(state: DesktopState): number[] {
  if (!state.endpointUrl) return [];
  try {
    const url = new URL(state.endpointUrl);
    const port = Number(url.port);
    return url.hostname === '127.0.0.1' && port > 0 ? [port] : [];
  } catch {
    return [];
  }
}
