// Who may use the twin: requests must name the twin itself as Host (no DNS rebinding), a browser's
// Origin must be the twin's own, and the API needs the random token from the URL, compared in
// constant time. Clients that send no Origin (Node, curl) are not browsers, so no page can be
// behind them; they still need the token.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  return timingSafeEqual(digest(expected), digest(given ?? '')) && typeof given === 'string' && given.length > 0;
}

export class AccessGuard {
  constructor(
    private readonly token: string,
    private readonly port: () => number,
  ) {}

  private ownHosts(): string[] {
    const p = this.port();
    return [`127.0.0.1:${p}`, `localhost:${p}`];
  }

  hostAllowed(req: IncomingMessage): boolean {
    return this.ownHosts().includes((req.headers.host ?? '').toLowerCase());
  }

  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return this.ownHosts().some((h) => origin.toLowerCase() === `http://${h}`);
  }

  tokenAllowed(req: IncomingMessage): boolean {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    return tokenMatches(this.token, url.searchParams.get('token'));
  }
}
