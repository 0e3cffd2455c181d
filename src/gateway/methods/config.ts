// config.get / config.set / config.patch (spec §9.6). Secrets are redacted in everything that leaves
// (REF-BUG 4); a write that sends the marker back keeps the stored secret. Writes need the current
// baseHash when a file exists, are validated, and are atomic.

import JSON5 from 'json5';
import { effectiveConfig } from '../../config/effective';
import { redactRawText, redactSecrets, restoreRedacted } from '../../config/redact';
import { ConfigError } from '../../config/schema';
import { s } from '../../shared/protocol/schema';
import type { GatewayContext } from '../context';
import { parseParams } from './params';
import { invalidRequest, type MethodCall, type MethodTable } from './types';

const WRITE_SCHEMA = s.object({ raw: s.string(), baseHash: s.string(), sessionKey: s.string(), note: s.string(), restartDelayMs: s.integer(0) }, ['raw']);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch: null deletes, objects merge, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function parseRawObject(raw: string): Obj | string {
  try {
    const value: unknown = JSON5.parse(raw);
    return isObj(value) ? value : 'raw must be a JSON5 object';
  } catch (err) {
    return `raw is not valid JSON5: ${(err as Error).message.replace(/^JSON5: /, '')}`;
  }
}

/** Checks baseHash, builds the next config from the current one, validates, writes. */
function writeConfig(call: MethodCall<GatewayContext>, build: (current: Obj, incoming: Obj) => Obj): void {
  const p = parseParams<{ raw: string; baseHash?: string }>(call, WRITE_SCHEMA);
  if (!p) return;
  const store = call.services.config;
  const { snapshot } = store.inspect();
  if (snapshot.exists && p.baseHash !== snapshot.hash) {
    return call.respond.error(invalidRequest('config base hash required; re-run config.get and retry'));
  }
  if (!snapshot.parsed) return call.respond.error(invalidRequest(`config file does not parse; fix it by hand first (${snapshot.parseError ?? snapshot.path})`));
  const incoming = parseRawObject(p.raw);
  if (typeof incoming === 'string') return call.respond.error(invalidRequest(incoming));
  let next: Obj;
  try {
    next = build(snapshot.parsed, restoreRedacted(incoming, snapshot.parsed) as Obj);
  } catch (err) {
    return call.respond.error(invalidRequest((err as Error).message));
  }
  try {
    const { hash, backup } = store.write(next);
    call.services.log.info('config written', { method: call.method, path: store.path, ...(backup ? { previousFileKeptAt: backup } : {}) });
    call.respond.ok({ ok: true, path: store.path, config: redactSecrets(next), hash });
  } catch (err) {
    if (err instanceof ConfigError) {
      return call.respond.error(invalidRequest(`invalid config: ${err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues: err.issues }));
    }
    throw err;
  }
}

export const configMethods: MethodTable<GatewayContext> = {
  'config.get': (call) => {
    const { snapshot, issues } = call.services.config.inspect();
    const parsed = snapshot.parsed ?? {};
    call.respond.ok({
      path: snapshot.path,
      exists: snapshot.exists,
      raw: redactRawText(snapshot.raw, parsed),
      parsed: redactSecrets(parsed),
      valid: issues.length === 0,
      config: redactSecrets(effectiveConfig(parsed)),
      hash: snapshot.hash,
      issues,
      warnings: [],
      legacyIssues: [],
    });
  },

  'config.set': (call) => writeConfig(call, (_current, incoming) => incoming),

  'config.patch': (call) => writeConfig(call, (current, incoming) => mergePatch(current, incoming) as Obj),
};
