// Secrets in config values are replaced by a marker before they leave the gateway (config.get), and a
// write that sends the marker back keeps the stored secret (spec §9.6, REF-BUG 4).

export const REDACTED = '__CLAWDBOT_REDACTED__';

/** Keys whose string values are secrets, wherever they appear in the config. */
const SECRET_KEY = /^(token|password|apikey|api_key|secret|clientsecret|privatekey|accesstoken|refreshtoken|bottoken|apptoken|signingsecret|webhooksecret)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || /(?:token|password|secret|apikey)$/i.test(key);
}

/** A deep copy with every secret string replaced by the marker. */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' && v !== '' && isSecretKey(k) ? REDACTED : redactSecrets(v);
    return out as T;
  }
  return value;
}

/** Every secret string in the value (to scrub them out of raw text). */
export function collectSecrets(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => collectSecrets(v, into));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && v !== '' && isSecretKey(k)) into.add(v);
      else collectSecrets(v, into);
    }
  }
  return into;
}

/** The raw file text with every secret value replaced by the marker. */
export function redactRawText(raw: string, parsed: unknown): string {
  let out = raw;
  const secrets = [...collectSecrets(parsed)].sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * Puts stored secrets back where an incoming config carries the marker (same key path). A marker
 * with no stored value at that path is an error: the client cannot invent a secret.
 */
export function restoreRedacted(incoming: unknown, stored: unknown, path = ''): unknown {
  if (incoming === REDACTED) {
    if (typeof stored !== 'string') throw new Error(`${path || 'value'}: ${REDACTED} given but no stored secret exists there`);
    return stored;
  }
  if (Array.isArray(incoming)) {
    const storedArr = Array.isArray(stored) ? stored : [];
    return incoming.map((v, i) => restoreRedacted(v, storedArr[i], `${path}[${i}]`));
  }
  if (incoming !== null && typeof incoming === 'object') {
    const storedObj = stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(incoming)) out[k] = restoreRedacted(v, storedObj[k], path ? `${path}.${k}` : k);
    return out;
  }
  return incoming;
}
