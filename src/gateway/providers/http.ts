// The HTTP part shared by the adapters: POST a JSON body with Node's fetch, map connection failures and
// non-2xx answers to ModelErrors, and hand back the streamed body.

import { connectionError, httpError, redact, type HttpContext } from './errors';

/** `secret` (the API key) is cut out of any error body, since some providers quote the key they rejected. */
export async function postStream(ctx: HttpContext, url: string, headers: Record<string, string>, body: unknown, signal: AbortSignal, secret?: string): Promise<AsyncIterable<Uint8Array>> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers }, body: JSON.stringify(body), signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw connectionError(ctx, err);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    throw httpError(ctx, res.status, redact(text, secret), res.headers.get('retry-after'));
  }
  if (!res.body) throw httpError(ctx, res.status, 'empty response body', null);
  return res.body as unknown as AsyncIterable<Uint8Array>;
}
