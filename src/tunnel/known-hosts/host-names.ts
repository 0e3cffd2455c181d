// Which name a host key is filed under, and how known_hosts host fields match it (hostfile.c).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HostKeyQuery, SshHop } from '../types';
import { matchPatternList } from '../ssh-config/patterns';

const HASH_MAGIC = '|1|';

/** HostKeyAlias replaces name and port (OpenSSH files an alias without `[..]:port`). */
export function hostKeyQuery(hop: SshHop): HostKeyQuery {
  return hop.hostKeyAlias !== undefined ? { host: hop.hostKeyAlias, port: 22 } : { host: hop.hostName, port: hop.port };
}

/** `host` on port 22, `[host]:port` otherwise; lowercased like ssh does. */
export function hostKeyName(query: HostKeyQuery): string {
  const host = query.host.toLowerCase();
  return query.port === 22 || query.port === 0 ? host : `[${host}]:${query.port}`;
}

/** Does a known_hosts host field (`|1|salt|hash` or a pattern list with `!` negation) name this host? */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith(HASH_MAGIC)) return hashedFieldMatches(field, name);
  return matchPatternList(name, field, true) === 'match';
}

export function isHashedField(field: string): boolean {
  return field.startsWith(HASH_MAGIC);
}

/** `|1|base64(salt)|base64(HMAC-SHA1(salt, name))` as `ssh-keygen -H` writes it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `${HASH_MAGIC}${salt.toString('base64')}|${hash.toString('base64')}`;
}

function hashedFieldMatches(field: string, name: string): boolean {
  const parts = field.slice(HASH_MAGIC.length).split('|');
  if (parts.length !== 2) return false;
  const salt = Buffer.from(parts[0] ?? '', 'base64');
  const expected = Buffer.from(parts[1] ?? '', 'base64');
  if (salt.length !== 20 || expected.length !== 20) return false;
  return timingSafeEqual(createHmac('sha1', salt).update(name).digest(), expected);
}
