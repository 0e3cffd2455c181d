// Serves the renderer from app://renderer/ instead of file://, so the page has a real origin ('self' in
// the CSP means our files only) and no access to the rest of the disk. Every response carries the CSP.

import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { contentTypeFor, resolveRendererFile } from './renderer-files';
import { APP_SCHEME } from './views';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

export async function serveRendererFile(url: string, root: string, csp: string): Promise<Response> {
  const file = resolveRendererFile(url, root);
  if (!file) return new Response('Forbidden', { status: 403 });
  try {
    const body = await readFile(file);
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': contentTypeFor(file),
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}

/** Must run once the app is ready. `csp` is read per request: it follows the gateway's port. */
export function handleAppProtocol(root: string, csp: () => string): void {
  protocol.handle(APP_SCHEME, (request) => serveRendererFile(request.url, root, csp()));
}
