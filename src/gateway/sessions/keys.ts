// Session keys (spec §9.2). Every incoming key is canonicalized before use, so `main` and
// `agent:main:main` name one session (REF-BUG 3: the reference stored `main` under the raw key).

export const DEFAULT_AGENT_ID = 'main';
export const MAIN_KEY = 'main';
export const MAIN_SESSION_KEY = `agent:${DEFAULT_AGENT_ID}:${MAIN_KEY}`;

export interface CanonicalKey {
  key: string;
  agentId: string;
}

/** `main` → `agent:main:main`; `agent:<id>:<rest>` stays; any other key is scoped to the default agent. */
export function canonicalizeSessionKey(raw: string): CanonicalKey {
  const key = raw.trim();
  if (key === MAIN_KEY || key === '') return { key: MAIN_SESSION_KEY, agentId: DEFAULT_AGENT_ID };
  const m = /^agent:([^:]+):(.+)$/.exec(key);
  if (m) return { key: `agent:${m[1]!.toLowerCase()}:${m[2]}`, agentId: m[1]!.toLowerCase() };
  return { key: `agent:${DEFAULT_AGENT_ID}:${key}`, agentId: DEFAULT_AGENT_ID };
}

export function isMainSessionKey(canonical: string): boolean {
  return canonical === MAIN_SESSION_KEY;
}
