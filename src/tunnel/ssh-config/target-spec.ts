// Parses what a user types as an SSH target (or one ProxyJump hop) into user, host and port.
// Validation is strict because the host part is handed to `ssh -G`: nothing may look like an option.
import { sshConfigError } from './config-error';

export interface TargetSpec {
  user?: string;
  /** The host or ssh_config alias, without brackets. */
  host: string;
  port?: number;
}

const TARGET_HINT = 'Use user@host, user@host:port, [v6addr]:port, ssh://user@host:port or an alias from ~/.ssh/config.';
// Aliases and DNS names; `%` allows IPv6 zone ids. No wildcards, quotes, spaces or shell syntax.
const HOST_RE = /^[A-Za-z0-9_.+%-]+$/;
const IPV6_RE = /^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$/;
const USER_RE = /^[A-Za-z0-9_.+\\$-][A-Za-z0-9_.+@\\$-]*$/;

export function parsePort(text: string, what: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw sshConfigError(`${what}: "${text}" is not a valid port.`, 'A port is a whole number from 1 to 65535.');
  }
  return Number(text);
}

export function parseTargetSpec(input: string, what = 'SSH target'): TargetSpec {
  const text = input.trim();
  if (text.length === 0) throw sshConfigError(`${what} is empty.`, TARGET_HINT);
  if (text.length > 1024) throw sshConfigError(`${what} is too long.`, TARGET_HINT);
  const spec = text.toLowerCase().startsWith('ssh://') ? parseUri(text.slice(6), what) : parsePlain(text, what);
  validate(spec, what);
  return spec;
}

function parseUri(rest: string, what: string): TargetSpec {
  const authority = rest.endsWith('/') ? rest.slice(0, -1) : rest;
  if (authority.includes('/') || authority.includes('?') || authority.includes('#')) {
    throw sshConfigError(`${what} "ssh://${rest}" has a path; only ssh://[user@]host[:port] is supported.`, TARGET_HINT);
  }
  const spec = parsePlain(authority, what);
  if (spec.user !== undefined) spec.user = decodeUriUser(spec.user, what);
  return spec;
}

function decodeUriUser(user: string, what: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    throw sshConfigError(`${what} has a badly escaped user name.`, TARGET_HINT);
  }
}

function parsePlain(text: string, what: string): TargetSpec {
  // The last '@' separates the user, like ssh(1): user names may themselves contain '@'.
  const at = text.lastIndexOf('@');
  const user = at >= 0 ? text.slice(0, at) : undefined;
  const hostPort = at >= 0 ? text.slice(at + 1) : text;
  if (user !== undefined && user.length === 0) throw sshConfigError(`${what} "${text}" has an empty user name.`, TARGET_HINT);
  const { host, port } = splitHostPort(hostPort, what);
  return { ...(user !== undefined ? { user } : {}), host, ...(port !== undefined ? { port } : {}) };
}

function splitHostPort(text: string, what: string): { host: string; port?: number } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw sshConfigError(`${what} "${text}" has no closing "]".`, TARGET_HINT);
    const host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest === '') return { host };
    if (!rest.startsWith(':')) throw sshConfigError(`${what} "${text}" has text after "]".`, TARGET_HINT);
    return { host, port: parsePort(rest.slice(1), what) };
  }
  const colons = text.split(':').length - 1;
  if (colons === 0) return { host: text };
  // Several colons without brackets: a bare IPv6 address, port 22 unless given in [..]:port form.
  if (colons > 1) return { host: text };
  const [host = '', port = ''] = text.split(':');
  return { host, port: parsePort(port, what) };
}

function validate(spec: TargetSpec, what: string): void {
  const { host, user } = spec;
  if (host.length === 0) throw sshConfigError(`${what} has no host name.`, TARGET_HINT);
  if (host.startsWith('-')) {
    throw sshConfigError(`${what} "${host}" starts with "-", which ssh would read as an option.`, TARGET_HINT);
  }
  if (!HOST_RE.test(host) && !(host.includes(':') && IPV6_RE.test(host))) {
    throw sshConfigError(`${what}: "${host}" is not a valid host name or alias.`, TARGET_HINT);
  }
  if (user !== undefined && (user.startsWith('-') || !USER_RE.test(user))) {
    throw sshConfigError(`${what}: "${user}" is not a valid user name.`, TARGET_HINT);
  }
}
