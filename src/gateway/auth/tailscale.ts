// Tailscale Serve identity (spec §8.3, with the later hardening): the login header is believed only
// when `tailscale whois` on the forwarded client IP names the same login. No tailscale binary, a
// timeout or any error means "not verified" (fail closed).

import { execFile } from 'node:child_process';

const WHOIS_TIMEOUT_MS = 5_000;
const CACHE_OK_MS = 60_000;
const CACHE_FAIL_MS = 5_000;

type WhoisResult = { login: string } | { error: string };

const cache = new Map<string, { at: number; result: WhoisResult }>();

function loginFromWhois(json: unknown): string | undefined {
  const o = json as { UserProfile?: { LoginName?: unknown }; User?: { LoginName?: unknown } } | null;
  const login = o?.UserProfile?.LoginName ?? o?.User?.LoginName;
  return typeof login === 'string' && login ? login : undefined;
}

export function tailscaleWhois(ip: string, binary = 'tailscale'): Promise<WhoisResult> {
  const hit = cache.get(ip);
  const now = Date.now();
  if (hit && now - hit.at < ('login' in hit.result ? CACHE_OK_MS : CACHE_FAIL_MS)) return Promise.resolve(hit.result);
  return new Promise((resolve) => {
    execFile(binary, ['whois', '--json', ip], { timeout: WHOIS_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, stdout) => {
      let result: WhoisResult;
      if (err) result = { error: err.message };
      else {
        try {
          const login = loginFromWhois(JSON.parse(stdout));
          result = login ? { login } : { error: 'no login in whois output' };
        } catch {
          result = { error: 'whois output is not JSON' };
        }
      }
      cache.set(ip, { at: Date.now(), result });
      resolve(result);
    });
  });
}

export interface TailscaleHeaders {
  login?: string;
  forwardedFor?: string;
  forwardedProto?: string;
  forwardedHost?: string;
}

/** A Tailscale Serve request: loopback socket with all three proxy headers. */
export function isTailscaleProxyRequest(socketIsLoopback: boolean, h: TailscaleHeaders): boolean {
  return socketIsLoopback && !!h.forwardedFor && !!h.forwardedProto && !!h.forwardedHost;
}

/** Resolves with the verified login, or null (then token/password auth decides). */
export async function verifyTailscaleUser(h: TailscaleHeaders): Promise<string | null> {
  const ip = h.forwardedFor?.split(',')[0]?.trim();
  if (!h.login || !ip) return null;
  const who = await tailscaleWhois(ip);
  return 'login' in who && who.login.toLowerCase() === h.login.trim().toLowerCase() ? who.login : null;
}
