// Serves the built renderer (dist/renderer) read-only: only files inside that folder, never a listing,
// 404 for anything else. The page carries a strict CSP and no Referer, so the token in its URL stays
// on this machine. HTML pages get the twin's meta tag (src/shared/twin-marker.ts), which tells the
// renderer it runs in the twin and not in a gateway's Control UI.

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { TWIN_MARKER_TAG } from '../shared/twin-marker';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Used when the renderer ships no index.html of its own. */
function fallbackIndex(root: string): string {
  const css = existsSync(join(root, 'app.css')) ? '<link rel="stylesheet" href="/app.css">' : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${TWIN_MARKER_TAG}<meta name="viewport" content="width=device-width, initial-scale=1"><title>Clawdbot</title>${css}</head><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>`;
}

export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, port: number): void {
  const headers = securityHeaders(port);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = decodedPath(req.url ?? '/');
  const base = resolve(root);
  const wanted = pathname === '/' ? 'index.html' : (pathname ?? '').replace(/^\/+/, '');
  const file = resolve(base, normalize(wanted));
  const inside = file.startsWith(base + sep) && !file.includes('\0');
  if (pathname === '/' && !existsSync(file)) {
    res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html'] as string, 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : fallbackIndex(base));
    return;
  }
  if (pathname === null || !inside || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const html = extname(file).toLowerCase() === '.html';
  const body = html ? Buffer.from(markAsTwin(readFileSync(file, 'utf8'))) : readFileSync(file);
  res.writeHead(200, { ...headers, 'Content-Type': type, 'Cache-Control': html ? 'no-store' : 'no-cache', 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The page with the twin's meta tag as the first thing in its head. */
function markAsTwin(page: string): string {
  return /<head[^>]*>/i.test(page) ? page.replace(/<head[^>]*>/i, (head) => `${head}${TWIN_MARKER_TAG}`) : `${TWIN_MARKER_TAG}${page}`;
}

/** The request's path, percent-decoded; null when it does not decode. */
function decodedPath(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url, 'http://127.0.0.1').pathname);
  } catch {
    return null;
  }
}
