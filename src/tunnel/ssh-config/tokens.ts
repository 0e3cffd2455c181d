// Expansion of `~`, `${ENV}` and `%x` tokens (ssh_config TOKENS / ENVIRONMENT VARIABLES sections).
import { createHash } from 'node:crypto';
import { sshConfigError } from './config-error';

export interface LocalIdentity {
  home: string;
  user: string;
  uid: string;
  /** Local host name with domain (%l) and without (%L). */
  hostFull: string;
  hostShort: string;
}

export interface ConnectionTokens {
  hostName: string;
  originalHost: string;
  port: number;
  remoteUser: string;
  hostKeyAlias?: string;
}

export class MissingEnvironmentVariable extends Error {
  constructor(readonly variable: string) {
    super(`environment variable ${variable} is not set`);
  }
}

/** `~` and `~/x` become the home folder; `~user` is left alone (it needs the password database). */
export function expandTilde(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return home.replace(/\/+$/, '') + path.slice(1);
  return path;
}

export function expandEnv(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\{([^}]*)\}/g, (_all, name: string) => {
    const value = env[name];
    if (value === undefined) throw new MissingEnvironmentVariable(name);
    return value;
  });
}

/** The token set shared by IdentityFile, IdentityAgent and UserKnownHostsFile. */
export function pathTokens(local: LocalIdentity, conn: ConnectionTokens): Record<string, string> {
  const { hostName: h, port, remoteUser: r, originalHost: n } = conn;
  const p = String(port);
  return {
    '%': '%',
    C: createHash('sha1').update(`${local.hostFull}${h}${p}${r}`).digest('hex'),
    d: local.home,
    h,
    i: local.uid,
    k: conn.hostKeyAlias ?? n,
    L: local.hostShort,
    l: local.hostFull,
    n,
    p,
    r,
    u: local.user,
  };
}

export function expandPercent(text: string, tokens: Record<string, string>, keyword: string): string {
  return text.replace(/%(.?)/g, (_all, key: string) => {
    const value = tokens[key];
    if (value === undefined) {
      throw sshConfigError(`${keyword} "${text}" uses the unknown token %${key}.`, 'Remove the token or write %% for a literal percent sign.');
    }
    return value;
  });
}

/** What OpenSSH does to path-like values: tilde first, then tokens and ${ENV}. */
export function expandPath(text: string, local: LocalIdentity, conn: ConnectionTokens, env: NodeJS.ProcessEnv, keyword: string): string {
  return expandEnv(expandPercent(expandTilde(text, local.home), pathTokens(local, conn), keyword), env);
}
