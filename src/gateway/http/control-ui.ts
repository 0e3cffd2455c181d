// Plain HTTP on the gateway's port: the built Control UI (dist/renderer). index.html answers the UI's
// root; any other page path redirects there with its query (the UI routes by #hash, and its relative
// asset URLs only resolve from the root); a missing asset is a 404; nothing outside the UI folder is ever served (no
// traversal, no symlinks out, no directory listings). Every answer carries strict security headers.

import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** A Host header we are willing to echo into the CSP (host, IPv4, [IPv6], optional port). */
const SAFE_HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

export function securityHeaders(host: string | undefined): Record<string, string> {
  const wsSources = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return {
    'Content-Security-Policy':
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; ` +
      `connect-src 'self'${wsSources}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'`,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
}

export interface ControlUiOptions {
  root: string;
  enabled: boolean;
  /** Served under this prefix (gateway.controlUi.basePath), e.g. "/ui". */
  basePath?: string;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string, head: boolean): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

async function isFileInside(root: string, file: string): Promise<boolean> {
  try {
    const real = await realpath(file);
    return real.startsWith(root + sep) && (await stat(real)).isFile();
  } catch {
    return false;
  }
}

export function createControlUiHandler(opts: ControlUiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const basePath = (opts.basePath ?? '').replace(/\/+$/, '');
  let realRoot: Promise<string | null> | undefined;
  const root = (): Promise<string | null> => (realRoot ??= realpath(opts.root).catch(() => null));

  return (req, res) => {
    void (async () => {
      const headers = securityHeaders(req.headers.host);
      const head = req.method === 'HEAD';
      if (req.method !== 'GET' && !head) return send(res, 405, { ...headers, Allow: 'GET, HEAD' }, 'Method Not Allowed\n', false);
      if (!opts.enabled) return send(res, 404, headers, 'Not Found\n', head);
      let pathname: string;
      let search: string;
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        pathname = decodeURIComponent(url.pathname);
        search = url.search;
      } catch {
        return send(res, 400, headers, 'Bad Request\n', head);
      }
      if (basePath) {
        if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return send(res, 404, headers, 'Not Found\n', head);
        pathname = pathname.slice(basePath.length) || '/';
      }
      if (pathname.includes('\0') || pathname.split('/').includes('..')) return send(res, 404, headers, 'Not Found\n', head);
      const dir = await root();
      if (!dir) {
        return send(res, pathname === '/' ? 503 : 404, headers, pathname === '/' ? 'The Control UI is not built: run `npm run build` in the clawdbot folder.\n' : 'Not Found\n', head);
      }
      const isAsset = extname(pathname) !== '';
      if (!isAsset && pathname !== '/') {
        res.writeHead(302, { ...headers, Location: `${basePath}/${search}`, 'Content-Length': 0 });
        return res.end();
      }
      const file = isAsset ? join(dir, normalize(pathname)) : join(dir, 'index.html');
      if (!(await isFileInside(dir, file))) return send(res, 404, headers, 'Not Found\n', head);
      const real = await realpath(file);
      const info = await stat(real);
      // Revalidation (no-cache + ETag): a reload costs a 304, and the browser keeps the compiled
      // JavaScript it cached with the file instead of downloading and compiling it again.
      const etag = `W/"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ...headers, ETag: etag });
        return res.end();
      }
      res.writeHead(200, { ...headers, 'Content-Type': CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': info.size, ETag: etag });
      if (head) return res.end();
      createReadStream(real)
        .on('error', () => res.destroy())
        .pipe(res);
    })().catch(() => {
      if (!res.headersSent) send(res, 500, {}, 'Internal Server Error\n', false);
      else res.destroy();
    });
  };
}
