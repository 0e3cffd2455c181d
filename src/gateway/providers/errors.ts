// Provider failures as messages a user can act on. Every path out of a provider call that is not a
// complete reply becomes a ModelError; its message ends up in the run's chat `error` event.

export type ModelErrorKind =
  | 'no-provider'
  | 'config'
  | 'unreachable'
  | 'auth'
  | 'model-not-found'
  | 'rate-limited'
  | 'server'
  | 'http'
  | 'incomplete-stream'
  | 'malformed-stream';

export class ModelError extends Error {
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    /** For 429: how long the provider asked us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

export interface HttpContext {
  provider: string;
  model: string;
  baseUrl: string;
}

/** The error for a non-2xx response, with the provider's own message when it sent one. */
export function httpError(ctx: HttpContext, status: number, body: string, retryAfter: string | null): ModelError {
  const detail = providerMessage(body);
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401 || status === 403) {
    return new ModelError('auth', `Model provider "${ctx.provider}" rejected the API key (HTTP ${status})${suffix}. Check models.providers.${ctx.provider}.apiKey.`);
  }
  if (status === 404) {
    return new ModelError('model-not-found', `Model "${ctx.model}" was not found at provider "${ctx.provider}" (HTTP 404)${suffix}. Check the model id in models.providers.${ctx.provider}.models and agents.defaults.model.primary, and that ${ctx.baseUrl} is the API's base URL.`);
  }
  if (status === 429) {
    const ms = parseRetryAfter(retryAfter);
    const when = ms === undefined ? 'in a moment' : `in ${Math.max(1, Math.ceil(ms / 1000))} s`;
    return new ModelError('rate-limited', `Model provider "${ctx.provider}" is rate limiting requests (HTTP 429)${suffix}. Try again ${when}.`, ms);
  }
  if (status >= 500) {
    return new ModelError('server', `Model provider "${ctx.provider}" failed with HTTP ${status}${suffix}. The provider has a problem; try again later.`);
  }
  return new ModelError('http', `Model provider "${ctx.provider}" refused the request with HTTP ${status}${suffix}.`);
}

/** The error for a failed connection (fetch's TypeError and its cause code). */
export function connectionError(ctx: HttpContext, err: unknown): ModelError {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? '';
  if (code === 'ECONNREFUSED') {
    return new ModelError('unreachable', `Cannot reach model provider "${ctx.provider}" at ${ctx.baseUrl}: connection refused. Is the model server running?`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ModelError('unreachable', `Cannot reach model provider "${ctx.provider}": the host of ${ctx.baseUrl} was not found. Check models.providers.${ctx.provider}.baseUrl.`);
  }
  const why = code || cause?.message || (err instanceof Error ? err.message : String(err));
  return new ModelError('unreachable', `Cannot reach model provider "${ctx.provider}" at ${ctx.baseUrl} (${why}).`);
}

export function incompleteStream(ctx: HttpContext): ModelError {
  return new ModelError('incomplete-stream', `The reply from model provider "${ctx.provider}" stopped before it was complete (the stream ended early). Try again.`);
}

export function malformedStream(ctx: HttpContext, what: string): ModelError {
  return new ModelError('malformed-stream', `Model provider "${ctx.provider}" sent a malformed stream (${what}). Check that models.providers.${ctx.provider}.api matches the server.`);
}

/** `Retry-After` as seconds or an HTTP date, in ms. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** `{"error":{"message"}}` (OpenAI and Anthropic) or `{"error":"..."}` (Ollama), cut short. */
function providerMessage(body: string): string {
  let msg = '';
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const e = parsed.error;
    if (typeof e === 'string') msg = e;
    else if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') msg = (e as { message: string }).message;
    else if (typeof parsed.message === 'string') msg = parsed.message;
  } catch {
    msg = body.trim().startsWith('<') ? '' : body.trim();
  }
  return msg.length > 300 ? `${msg.slice(0, 300)}…` : msg;
}

/** Removes a secret from a text that may echo it (some providers quote the key they rejected). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}
