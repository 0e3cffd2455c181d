// Who is on the other end of a connection (spec §7.3, §8.3, §8.4): the client IP after trusted-proxy
// handling, whether the peer is local (loopback or this host's tailnet address, with no proxy headers
// from an untrusted address), and whether the request came straight to us on a local name.

import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

export interface PeerInfo {
  /** The TCP peer. */
  socketIp: string;
  /** The client IP: the socket peer, or the first X-Forwarded-For / X-Real-IP entry from a trusted proxy. */
  clientIp: string;
  /** Proxy headers came from a peer that is not a trusted proxy. */
  untrustedProxyHeaders: boolean;
  /** Loopback or own tailnet address, and no untrusted proxy headers: nonce optional, silent pairing. */
  isLocal: boolean;
  /** Local and addressed to a local host name with no proxy headers at all (skips the Tailscale path). */
  isLocalDirect: boolean;
}

export function normalizeIp(ip: string | undefined): string {
  if (!ip) return '';
  const trimmed = ip.trim().replace(/^\[|\]$/g, '');
  return trimmed.toLowerCase().startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed.toLowerCase();
}

export function isLoopbackIp(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.');
}

let tailnetAddrs: Set<string> | undefined;

/** This host's tailnet addresses (100.64.0.0/10, fd7a:115c:a1e0::/48), read once. */
function ownTailnetAddrs(): Set<string> {
  if (!tailnetAddrs) {
    tailnetAddrs = new Set();
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) {
        const ip = normalizeIp(a.address);
        if (isTailnetIp(ip)) tailnetAddrs.add(ip);
      }
    }
  }
  return tailnetAddrs;
}

export function isTailnetIp(ip: string): boolean {
  const m = /^100\.(\d+)\./.exec(ip);
  if (m) {
    const second = Number(m[1]);
    return second >= 64 && second <= 127;
  }
  return ip.startsWith('fd7a:115c:a1e0:');
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!/^\d+$/.test(p) || v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

/** Exact IPs, or IPv4 CIDR ranges (e.g. 10.0.0.0/8). */
export function isTrustedProxy(ip: string, trusted: readonly string[]): boolean {
  for (const entry of trusted) {
    const [base, bitsText] = entry.split('/');
    if (bitsText === undefined) {
      if (normalizeIp(entry) === ip) return true;
      continue;
    }
    const a = ipv4ToInt(ip);
    const b = ipv4ToInt(base ?? '');
    const bits = Number(bitsText);
    if (a === null || b === null || !(bits >= 0 && bits <= 32)) continue;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if (((a & mask) >>> 0) === ((b & mask) >>> 0)) return true;
  }
  return false;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() ? s.trim() : undefined;
}

const LOCAL_HOST_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

function hostName(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  if (hostHeader.startsWith('[')) return hostHeader.slice(1, hostHeader.indexOf(']')).toLowerCase();
  return (hostHeader.split(':')[0] ?? '').toLowerCase();
}

export function resolvePeer(req: IncomingMessage, trustedProxies: readonly string[]): PeerInfo {
  const socketIp = normalizeIp(req.socket.remoteAddress);
  const forwardedFor = header(req, 'x-forwarded-for');
  const realIp = header(req, 'x-real-ip');
  const hasProxyHeaders = !!(forwardedFor || realIp || header(req, 'x-forwarded-host'));
  const trusted = isTrustedProxy(socketIp, trustedProxies);
  let clientIp = socketIp;
  if (trusted) {
    const first = forwardedFor?.split(',')[0]?.trim() || realIp;
    if (first) clientIp = normalizeIp(first);
  }
  const untrustedProxyHeaders = hasProxyHeaders && !trusted;
  const localAddr = isLoopbackIp(clientIp) || ownTailnetAddrs().has(clientIp);
  const isLocal = localAddr && !untrustedProxyHeaders;
  const host = hostName(header(req, 'host'));
  const isLocalDirect = isLoopbackIp(clientIp) && (LOCAL_HOST_NAMES.has(host) || host.endsWith('.ts.net')) && (!hasProxyHeaders || trusted);
  return { socketIp, clientIp, untrustedProxyHeaders, isLocal, isLocalDirect };
}
