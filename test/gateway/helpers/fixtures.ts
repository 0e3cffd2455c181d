// Loading the captured protocol fixtures and comparing frames structurally. Placeholders in the
// fixtures (<uuid:N>, <nonce>, <ts>, …) match any value of their kind; identity placeholders bind to
// the first value seen and must stay consistent afterwards.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/gateway';

export interface FixtureFrame {
  dir: 'server->client' | 'client->server';
  frame: Record<string, unknown> | null;
  raw?: string;
  binary?: boolean;
}

export interface Fixture {
  description: string;
  frames: FixtureFrame[];
  close: { code: number; reason: string; by: 'server' | 'client' } | null;
  signedPayload?: string;
}

export const FIXTURE_DIR = join(REPO_ROOT, 'test', 'fixtures', 'protocol');

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8')) as Fixture;
}

const PLACEHOLDER = /<[a-z0-9][a-z0-9 -]*(?::[^>]*)?>/g;
const HAS_PLACEHOLDER = /<[a-z0-9][a-z0-9 -]*(?::[^>]*)?>/;
const NUMERIC = new Set(['<ts>', '<ms>', '<bytes>']);

/** Placeholders whose value is an identity (same placeholder = same value within a scenario). */
export function isIdentityPlaceholder(p: string): boolean {
  return /^<(uuid|nonce|device-|gateway-token|sha256-of-raw)/.test(p);
}

export type Bindings = Map<string, unknown>;

export interface CompareOptions {
  /** Paths (dot/bracket notation, `*` for any index) whose value is checked by a custom rule. */
  rules?: Record<string, (actual: unknown) => string | null>;
  /** Paths compared by type only (values and lengths may differ). */
  shapeOnly?: string[];
  /** Paths of reference-only features we do not implement: ours may leave them out. */
  absent?: string[];
}

function typeOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function pathMatches(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.[\]]/g, (c) => `\\${c}`).replace(/\*/g, '[^.\\]]+')}$`);
  return re.test(path);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Returns the list of differences (empty when the actual frame matches). */
export function compareFrame(expected: unknown, actual: unknown, bindings: Bindings, opts: CompareOptions = {}, path = ''): string[] {
  const diffs: string[] = [];
  for (const [pattern, rule] of Object.entries(opts.rules ?? {})) {
    if (pathMatches(pattern, path)) {
      const problem = rule(actual);
      return problem ? [`${path}: ${problem}`] : [];
    }
  }
  if (opts.shapeOnly?.some((p) => pathMatches(p, path))) {
    return typeOf(expected) === typeOf(actual) || (typeof expected === 'string' && NUMERIC.has(expected) && typeof actual === 'number')
      ? []
      : [`${path}: expected a ${typeOf(expected)}, got ${JSON.stringify(actual)}`];
  }
  if (typeof expected === 'string' && expected.startsWith('<') && expected.endsWith('>') && expected.match(HAS_PLACEHOLDER)?.[0] === expected) {
    if (NUMERIC.has(expected)) return typeof actual === 'number' && Number.isInteger(actual) && actual >= 0 ? [] : [`${path}: expected an integer for ${expected}, got ${JSON.stringify(actual)}`];
    if (expected.startsWith('<long text') || expected.startsWith('<log line')) return typeof actual === 'string' ? [] : [`${path}: expected a string`];
    if (typeof actual !== 'string' || actual === '') return [`${path}: expected a string for ${expected}, got ${JSON.stringify(actual)}`];
    if (isIdentityPlaceholder(expected)) {
      if (bindings.has(expected) && bindings.get(expected) !== actual) return [`${path}: ${expected} was ${JSON.stringify(bindings.get(expected))}, now ${JSON.stringify(actual)}`];
      bindings.set(expected, actual);
    }
    return [];
  }
  if (typeof expected === 'string' && HAS_PLACEHOLDER.test(expected)) {
    const re = new RegExp(`^${expected.split(PLACEHOLDER).map(escapeRe).join('.+?')}$`);
    return typeof actual === 'string' && re.test(actual) ? [] : [`${path}: ${JSON.stringify(actual)} does not match ${JSON.stringify(expected)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${JSON.stringify(actual)}`];
    if (expected.length !== actual.length) return [`${path}: expected ${expected.length} items, got ${actual.length}: ${JSON.stringify(actual).slice(0, 300)}`];
    expected.forEach((e, i) => diffs.push(...compareFrame(e, actual[i], bindings, opts, `${path}[${i}]`)));
    return diffs;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      const sub = path ? `${path}.${k}` : k;
      if (!(k in a)) {
        if (!opts.absent?.some((p) => pathMatches(p, sub))) diffs.push(`${sub}: missing`);
      }
      else diffs.push(...compareFrame(e[k], a[k], bindings, opts, sub));
    }
    for (const k of Object.keys(a)) if (!(k in e)) diffs.push(`${path ? `${path}.${k}` : k}: unexpected key (value ${JSON.stringify(a[k]).slice(0, 120)})`);
    return diffs;
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}
